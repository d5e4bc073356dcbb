"""Building a row from another object's same-named fields is done one way, in the kit.

``councils.selectors.values_of(source, *names)`` gives the keyword arguments: a call
that lists four or more ``name=source.name`` (or ``name=row["name"]``) arguments of one
source is writing that copy out again, field by field (a call that builds a row: a
class, or ``create``).

The gate reads the apps' Python code (migrations aside) with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("councils", "agreements", "pledges", "est", "followup", "search")
#: Most keyword arguments of one call that may copy a field of the same name by hand.
MOST = 3


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _copied_from(keyword: ast.keyword) -> str | None:
    """The source ``name=source.name`` or ``name=source["name"]`` copies from."""
    value = keyword.value
    if isinstance(value, ast.Attribute) and value.attr == keyword.arg:
        return ast.unparse(value.value)
    if (
        isinstance(value, ast.Subscript)
        and isinstance(value.slice, ast.Constant)
        and value.slice.value == keyword.arg
    ):
        return ast.unparse(value.value)
    return None


def _builds_a_row(call: ast.Call) -> bool:
    """``Model(...)``, ``SomeRecord(...)`` or ``….create(...)``."""
    callee = call.func
    name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
    return name == "create" or name[:1].isupper()


def _copies_by_hand(source: str, filename: str = "<snippet>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not _builds_a_row(node):
            continue
        sources: dict[str, int] = {}
        for keyword in node.keywords:
            if keyword.arg and (copied := _copied_from(keyword)) is not None:
                sources[copied] = sources.get(copied, 0) + 1
        for copied, count in sources.items():
            if count > MOST:
                found.append(f"{filename}:{node.lineno} copies {count} fields of {copied}")
    return found


def test_rows_are_built_through_values_of():
    found = []
    for path in _python_files():
        found += _copies_by_hand(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "use councils.selectors.values_of:\n" + "\n".join(found)


def test_the_gate_sees_a_copy_by_hand():
    bad = """
copy = Agreement.objects.create(
    municipality=agreement.municipality,
    documentation=agreement.documentation,
    follow_up_by=agreement.follow_up_by,
    follow_up_frequency=agreement.follow_up_frequency,
)
value = PublicActivity(pk=row["pk"], title=row["title"], type=row["type"], status=row["status"])
"""
    assert len(_copies_by_hand(bad)) == 2
    good = """
copy = Agreement.objects.create(**values_of(agreement, "municipality", "title"), pk=1)
entry = Candidate(kind=c.kind, user_id=c.user_id, text=c.text[:500], url=other.url)
shown = filter_rows(rows, phase=q.phase, pledge=q.pledge, picture=q.picture, overdue=q.overdue)
"""
    assert _copies_by_hand(good) == []
