"""Models, admin and templates say each shared thing once.

- "The end cannot come before the start" is ``councils.constraints.not_before`` and "the
  number lies from … to …" is ``councils.constraints.within``: a hand-written
  ``CheckConstraint`` whose condition compares a field with ``F(other)``
  (``Q(end__gte=F("start"))``) or bounds one field on both sides
  (``Q(progress__gte=0, progress__lte=100)``) is the old pattern.
- A model edited in the app and only shown in the admin uses
  ``councils.admin.ReadOnlyAdmin``, not ``readonly_fields = [f.name for f in
  X._meta.concrete_fields]`` with its own ``has_add_permission``.
- A paginated list's newer/older links are ``components/pager.html``; the report of an
  all-or-nothing import is ``components/import_report.html``: their markup written
  again in another template is the old pattern.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("councils", "agreements", "pledges", "est", "followup", "search")
KIT = ROOT / "councils" / "models.py"
COMPARISONS = {"gt", "gte", "lt", "lte"}


def _keywords(call: ast.Call) -> list[ast.keyword]:
    return [keyword for keyword in call.keywords if keyword.arg]


def _is_q(node: ast.AST) -> bool:
    func = getattr(node, "func", None)
    return isinstance(node, ast.Call) and getattr(func, "id", getattr(func, "attr", "")) == "Q"


def hand_written_checks(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line`` of every ``CheckConstraint`` that writes an order or a range check
    by hand (a ``Q`` comparing with ``F(…)``, or one field bounded on both sides)."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        func = getattr(node, "func", None)
        if not isinstance(node, ast.Call) or getattr(func, "attr", "") != "CheckConstraint":
            continue
        for q in (sub for sub in ast.walk(node) if _is_q(sub)):
            lookups = [kw.arg.rsplit("__", 1) for kw in _keywords(q) if "__" in kw.arg]
            ordered = any(
                lookup in COMPARISONS
                and isinstance(kw.value, ast.Call)
                and getattr(kw.value.func, "id", "") == "F"
                for kw, (_, lookup) in zip(
                    [kw for kw in _keywords(q) if "__" in kw.arg], lookups, strict=True
                )
            )
            bounded = {field for field, lookup in lookups if lookup in {"gte", "gt"}} & {
                field for field, lookup in lookups if lookup in {"lte", "lt"}
            }
            if ordered or bounded:
                found.append(f"{filename}:{node.lineno}")
                break
    return found


def hand_written_read_only_admins(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line`` of every ``readonly_fields`` built from ``_meta.concrete_fields``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (
            isinstance(node, ast.Assign)
            and any(getattr(target, "id", "") == "readonly_fields" for target in node.targets)
            and "concrete_fields" in ast.unparse(node.value)
        ):
            found.append(f"{filename}:{node.lineno}")
    return found


#: markup that only its component may hold: marker -> the component
TEMPLATE_MARKERS = {
    "previous_page_number": "components/pager.html",
    'id="import-report-title"': "components/import_report.html",
    'id="county-filter"': "components/county_filter.html",
}


def repeated_components(text: str, name: str) -> list[str]:
    return [
        f"{name}: {marker} (use {component})"
        for marker, component in TEMPLATE_MARKERS.items()
        if marker in text and name != component
    ]


def _app_files(pattern: str):
    for app in APPS:
        for path in sorted((ROOT / app).rglob(pattern)):
            if "migrations" not in path.parts:
                yield path


def test_no_hand_written_order_or_range_checks():
    found = [
        hit
        for path in _app_files("*.py")
        if path != KIT
        for hit in hand_written_checks(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], "use councils.constraints.not_before / within: " + ", ".join(found)


def test_no_hand_written_read_only_admin():
    found = [
        hit
        for path in _app_files("admin.py")
        for hit in hand_written_read_only_admins(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], "use councils.admin.ReadOnlyAdmin: " + ", ".join(found)


def test_templates_use_the_components():
    templates = ROOT / "templates"
    found = [
        hit
        for path in sorted(templates.rglob("*.html"))
        for hit in repeated_components(path.read_text(), str(path.relative_to(templates)))
    ]
    assert found == [], found


def test_the_gates_catch_the_old_patterns():
    old_models = """
class Meta:
    constraints = [
        models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="a"),
        models.CheckConstraint(
            condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="b"
        ),
        models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="c"),
        models.CheckConstraint(condition=~Q(status="signed") | Q(x__isnull=False), name="d"),
    ]
"""
    assert hand_written_checks(old_models) == ["<snippet>:4", "<snippet>:5", "<snippet>:8"]
    old_admin = (
        "class A(admin.ModelAdmin):\n"
        "    readonly_fields = [f.name for f in M._meta.concrete_fields]\n"
    )
    assert hand_written_read_only_admins(old_admin) == ["<snippet>:2"]
    old_template = '<a href="?page={{ page.previous_page_number }}" rel="prev">'
    assert repeated_components(old_template, "pledges/x.html") == [
        "pledges/x.html: previous_page_number (use components/pager.html)"
    ]
    assert repeated_components(old_template, "components/pager.html") == []
