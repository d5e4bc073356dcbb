"""The versions gate: only councils/concurrency.py sets a record's version or its
history user.

Edits save through ``save_versioned``, a service's own change (a status, a rank)
through ``bump``, deletes through ``delete_versioned``, records without versions
through ``save_tracked`` / ``delete_tracked``. A module that writes
``x.version += 1``, ``x.version = …``, ``x._history_user = …`` (or the same through
``setattr`` or ``QuerySet.update(version=…)``) fails this test. Tests and factories
are exempt: they set up the states the kit must handle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "councils" / "concurrency.py"
GUARDED = frozenset({"version", "_history_user"})
SKIP_DIRS = frozenset({".venv", "var", "tests", "migrations", "staticfiles", "node_modules"})


def _targets(node: ast.AST):
    if isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
    else:
        yield node


def offences(source: str) -> list[tuple[int, str]]:
    """(line, what) for every place ``source`` sets a version or a history user."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in _targets(target)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = list(_targets(node.target))
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in GUARDED
            ):
                found.append((node.lineno, f"setattr(…, {node.args[1].value!r})"))
            if isinstance(func, ast.Attribute) and func.attr in ("update", "bulk_update"):
                for keyword in node.keywords:
                    if keyword.arg in GUARDED:
                        found.append((node.lineno, f".{func.attr}({keyword.arg}=…)"))
                if func.attr == "bulk_update":
                    for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
                        if isinstance(arg, (ast.List, ast.Tuple)) and any(
                            isinstance(e, ast.Constant) and e.value in GUARDED for e in arg.elts
                        ):
                            found.append((node.lineno, ".bulk_update([… 'version' …])"))
            continue
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in GUARDED:
                found.append((target.lineno, f".{target.attr} ="))
    return found


def _project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(relative.parts) or path == KIT:
            continue
        yield path


def test_only_the_kit_sets_versions_and_history_users():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _project_modules()
        for line, what in offences(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "Set versions and history users through councils.concurrency (save_versioned, "
        "bump, delete_versioned, save_tracked, delete_tracked):\n" + "\n".join(found)
    )


def test_the_gate_reads_the_project():
    modules = {path.relative_to(ROOT).as_posix() for path in _project_modules()}
    assert {"agreements/services.py", "pledges/services.py", "followup/indicators.py"} <= modules
    assert "councils/concurrency.py" not in modules
    assert offences(KIT.read_text(encoding="utf-8")), "the kit itself is what the gate looks for"


@pytest.mark.parametrize(
    "snippet",
    [
        # the old hand bumps, as they were in agreements, pledges and followup
        "agreement.version += 1\nagreement._history_user = user\nagreement.save()",
        "def _bump(obj, user):\n    obj.version += 1\n    obj._history_user = user\n    obj.save()",
        "goal.version = goal.version + 1",
        "source._history_user = user\nsource.delete()",
        "a.version, a.title = 2, 'x'",
        "setattr(pledge, 'version', pledge.version + 1)",
        "setattr(pledge, '_history_user', user)",
        "Pledge.objects.filter(pk=1).update(version=F('version') + 1)",
        "Activity.objects.bulk_update(rows, ['order', 'version'])",
    ],
)
def test_the_gate_catches_the_old_pattern(snippet):
    assert offences(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "bump(agreement, user=user)",
        "save_versioned(goal, expected_version=version, user=user)",
        "delete_versioned(problem, expected_version=version, user=user)",
        "version = request.POST['version']",
        "data['version'] = str(current.version)",
        "edit['version'] += 1",
        "expected_version = None",
    ],
)
def test_the_gate_lets_the_kit_calls_and_plain_names_pass(snippet):
    assert not offences(snippet)
