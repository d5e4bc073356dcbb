"""Gates of the forms kit: each thing every form needs is solved once.

- ``councils.forms``: ``MAX_TEXT`` and ``bound_text_areas`` (applied by the
  ``BoundedTextAreas`` mixin every project form has), ``check_period_order``,
  ``SignForm``;
- ``councils.dates``: ``DATE_INPUT``, the one date widget.

A module of the apps that defines its own ``MAX_TEXT``, builds its own ``DateInput``,
defines its own text-area bounding or period-order function, or its own ``SignForm``,
fails ``test_no_module_solves_it_again``. Every form of the project must be a
``BoundedTextAreas``. (That every text area then has ``maxlength`` and the same rows is
checked on the built forms in tests/hostile/test_forms.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

from councils.forms import BoundedTextAreas
from tests.hostile.test_forms import project_forms

ROOT = Path(__file__).resolve().parent.parent
APPS = ("councils", "agreements", "pledges", "est", "followup", "search")

#: the one module allowed to define each thing
KIT = {
    "MAX_TEXT": "councils/forms.py",
    "DateInput": "councils/dates.py",
    "MaxLengthValidator": "councils/forms.py",
    "bound_text_areas": "councils/forms.py",
    "period_order": "councils/forms.py",
    "SignForm": "councils/forms.py",
}


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def offences(source: str, path: str) -> list[str]:
    """What ``source`` (the module at ``path``) solves again instead of using the kit."""
    found = []

    def outside(what: str) -> bool:
        return path != KIT[what]

    for node in ast.walk(ast.parse(source)):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "MAX_TEXT" in names and outside("MAX_TEXT"):
                found.append(f"{where}: a MAX_TEXT of its own (councils.forms.MAX_TEXT)")
        elif isinstance(node, ast.Call):
            name = _called_name(node)
            if name == "DateInput" and outside("DateInput"):
                found.append(f"{where}: a DateInput of its own (councils.dates.DATE_INPUT)")
            bounds_by_hand = name == "MaxLengthValidator" and "forms" in path
            if bounds_by_hand and outside("MaxLengthValidator"):
                found.append(
                    f"{where}: text bounded by hand (councils.forms.BoundedForm / "
                    "BoundedModelForm / VersionedModelForm bound every text area)"
                )
        elif isinstance(node, ast.FunctionDef):
            if "bound_text_areas" in node.name and outside("bound_text_areas"):
                found.append(f"{where}: {node.name}() (councils.forms.bound_text_areas)")
            if node.name.lstrip("_") in ("order", "check_order") or (
                node.name.endswith("period_order") and outside("period_order")
            ):
                found.append(f"{where}: {node.name}() (councils.forms.check_period_order)")
        elif isinstance(node, ast.ClassDef) and node.name == "SignForm" and outside("SignForm"):
            found.append(f"{where}: a SignForm of its own (councils.forms.SignForm)")
    return found


def _modules():
    for app in APPS:
        for file in sorted((ROOT / app).rglob("*.py")):
            relative = file.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, file.read_text(encoding="utf-8")


def test_no_module_solves_it_again():
    found = [offence for path, source in _modules() for offence in offences(source, path)]
    assert not found, "Use the forms kit:\n" + "\n".join(found)


def test_every_project_form_bounds_its_text_areas():
    forms = project_forms()
    assert len(forms) > 30
    without = sorted(name for name, cls in forms.items() if not issubclass(cls, BoundedTextAreas))
    assert not without, (
        "Build these on councils.forms.BoundedForm, BoundedModelForm or VersionedModelForm: "
        f"{without}"
    )


# --- the gate catches the old patterns --------------------------------------------------

OLD_FORMS_MODULE = """
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

MAX_TEXT = 20_000

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bound_text_areas(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.validators.append(MaxLengthValidator(MAX_TEXT))
            field.widget.attrs.setdefault("rows", 6)


def _order(form, start, end, message):
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class SignForm(forms.Form):
    name = forms.CharField(max_length=200)
    signed_on = forms.DateField(widget=DATE)

    def clean_signed_on(self):
        if self.cleaned_data["signed_on"] > timezone.localdate():
            raise forms.ValidationError("future")
        return self.cleaned_data["signed_on"]
"""


def test_the_gate_catches_a_forms_module_of_the_old_kind():
    found = "\n".join(offences(OLD_FORMS_MODULE, "pledges/forms.py"))
    for pattern in (
        "MAX_TEXT of its own",
        "DateInput of its own",
        "_bound_text_areas()",
        "text bounded by hand",
        "_order()",
        "SignForm of its own",
    ):
        assert pattern in found, pattern


def test_the_gate_catches_the_followup_variant():
    source = """
def _check_order(form):
    start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
    if start and end and end < start:
        form.add_error("period_end", "…")
"""
    assert offences(source, "followup/forms.py")


def test_the_kit_itself_passes():
    for path in ("councils/forms.py", "councils/dates.py"):
        assert offences((ROOT / path).read_text(encoding="utf-8"), path) == []
