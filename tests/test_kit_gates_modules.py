"""Gates on how the apps' modules are laid out.

1. No function-level import of a project module: a lazy import papers over a cycle
   (a task and the service that queues it, a model and a rule). Move the shared part
   to a third module instead. Django's ``AppConfig.ready`` is the one place that must
   import late (the models are not loaded before it); ``ALLOWED_LAZY`` lists those.
2. Imports run one way: ``councils`` ← ``agreements`` ← ``pledges`` ← ``followup`` ←
   ``search``; no module imports an app above its own.
3. No module of the apps is longer than ``MAX_LINES`` (migrations aside): a long
   module mixes concerns; split it by concern.

Each check is a function of a module's source, so the tests at the end can feed it
the old patterns.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.apps import LAYERS

ROOT = Path(__file__).resolve().parent.parent
#: the apps, lowest first: an app may import those before it, never those after it
PROJECT = {*LAYERS, "config"}
MAX_LINES = 600

#: (module, function) -> why the import inside it must be late
ALLOWED_LAZY = {
    ("councils/apps.py", "ready"): "AppConfig.ready: connects receivers once models load",
    ("agreements/apps.py", "ready"): "AppConfig.ready: registers panels once models load",
    ("pledges/apps.py", "ready"): "AppConfig.ready: registers panels once models load",
    ("followup/apps.py", "ready"): "AppConfig.ready: registers hooks once models load",
    ("attachments/apps.py", "ready"): "AppConfig.ready: registers panels once models load",
    ("residents/apps.py", "ready"): "AppConfig.ready: registers a public panel once models load",
    ("api/apps.py", "ready"): "AppConfig.ready: connects the history receiver once models load",
    ("archive/apps.py", "ready"): "AppConfig.ready: registers its kinds and buttons",
    ("est/apps.py", "ready"): "AppConfig.ready: registers panels once models load",
}


def _modules() -> list[Path]:
    return sorted(
        path
        for folder in PROJECT
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    )


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The top-level packages an import statement names (relative imports: none)."""
    if isinstance(node, ast.ImportFrom):
        return [] if node.level or not node.module else [node.module.split(".")[0]]
    return [alias.name.split(".")[0] for alias in node.names]


# --- 1. function-level imports ------------------------------------------------------


def lazy_imports(source: str, filename: str, allowed=ALLOWED_LAZY) -> list[str]:
    """``filename:line`` of every import of a project module inside a function that
    ``allowed`` does not list."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child.name)
                continue
            if (
                isinstance(child, ast.Import | ast.ImportFrom)
                and function is not None
                and PROJECT & set(_imported(child))
                and (filename, function) not in allowed
            ):
                found.append(f"{filename}:{child.lineno}: {ast.unparse(child)} (in {function})")
            visit(child, function)

    visit(ast.parse(source), None)
    return found


def test_no_lazy_imports_of_project_modules():
    found = []
    for path in _modules():
        found += lazy_imports(path.read_text(encoding="utf-8"), _name(path))
    assert not found, (
        "Import project modules at the top of the module. A lazy import hides a cycle: "
        "move the part both sides need to a third module (a task beside the work it "
        "does, a rule beside what it rules on). Only AppConfig.ready may import late "
        "(ALLOWED_LAZY):\n" + "\n".join(found)
    )


def test_every_allowed_lazy_import_still_exists():
    stale = []
    for filename, function in ALLOWED_LAZY:
        path = ROOT / filename
        everything = lazy_imports(path.read_text(encoding="utf-8"), filename, allowed={})
        if not any(line.endswith(f"(in {function})") for line in everything):
            stale.append(f"{filename} {function}")
    assert not stale, f"ALLOWED_LAZY entries without a lazy import: {stale}"


# --- 2. imports run one way -----------------------------------------------------------


def upward_imports(source: str, filename: str) -> list[str]:
    """``filename:line`` of every import of an app above the module's own app."""
    app = filename.split("/")[0]
    if app not in LAYERS:
        return []
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    return [
        f"{filename}:{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom) and above & set(_imported(node))
    ]


def test_imports_run_one_way():
    found = []
    for path in _modules():
        found += upward_imports(path.read_text(encoding="utf-8"), _name(path))
    assert not found, (
        "Imports run one way: councils <- agreements <- pledges <- followup <- search. A lower app "
        "offers a hook (a registry, a signal) and the higher app registers in ready():\n"
        + "\n".join(found)
    )


# --- 3. long modules --------------------------------------------------------------------


def too_long(source: str, filename: str) -> list[str]:
    lines = len(source.splitlines())
    return [f"{filename}: {lines} lines (at most {MAX_LINES})"] if lines > MAX_LINES else []


def test_no_long_modules():
    found = []
    for path in _modules():
        found += too_long(path.read_text(encoding="utf-8"), _name(path))
    assert not found, (
        f"A module of more than {MAX_LINES} lines mixes concerns: split it by concern "
        "(a package of views, a client beside the services that use it):\n" + "\n".join(found)
    )


# --- the gates catch the old patterns ---------------------------------------------------

OLD_SERVICE = """
from councils import background

def notify(*, pledge, users):
    from pledges import tasks  # the tasks module imports this one

    background.enqueue(tasks.send_notification_email, 1)
"""

OLD_CHART = """
class GoalProgress:
    def chart(self):
        from followup.charts import trend_svg

        return trend_svg(self.series)
"""

OLD_REGISTRATION = """
def register_agreement_section() -> None:
    from agreements import extensions

    extensions.register("followup/indicator_goals_panel.html", _agreement_section)
"""

READY = """
class FollowupConfig(AppConfig):
    def ready(self) -> None:
        from followup import panels
"""


def test_the_lazy_import_gate_catches_the_old_patterns():
    assert lazy_imports(OLD_SERVICE, "pledges/services.py")
    assert lazy_imports(OLD_CHART, "followup/indicators.py")
    assert lazy_imports(OLD_REGISTRATION, "followup/indicators.py")
    # a third-party or standard-library import inside a function is not the gate's concern
    assert not lazy_imports("def f():\n    import json\n", "followup/x.py")
    # ready() is allowed in the apps' AppConfig, not elsewhere
    assert not lazy_imports(READY, "followup/apps.py")
    assert lazy_imports(READY, "followup/panels.py")


def test_the_layer_gate_catches_an_upward_import():
    assert upward_imports("from pledges.models import Pledge\n", "agreements/views/x.py")
    assert upward_imports("def f():\n    import followup.tasks\n", "councils/x.py")
    assert not upward_imports("from agreements.models import Goal\n", "followup/x.py")
    assert not upward_imports("from followup import tasks\n", "config/celery.py")


def test_the_length_gate_catches_a_long_module():
    long_source = "x = 1\n" * (MAX_LINES + 1)
    assert too_long(long_source, "councils/views.py")
    assert not too_long("x = 1\n" * MAX_LINES, "councils/views.py")
    assert too_long("x = 1\n" * 900, "pledges/services.py")  # no module has a cap of its own
