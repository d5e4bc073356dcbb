"""Single-line text holds one line, and no stored text can stop an e-mail (issue 13).

A title with ``\\r\\nBcc: …`` was accepted; from then on every notification e-mail
about it failed ("Header values may not contain linefeed") while the user was told the
e-mail would follow. Two gates keep it from coming back:

1. Every single-line text field (``CharField``, not ``TextField``) of every model of
   the four apps refuses line breaks, NUL, ESC, the Unicode line separator and the
   other control characters through ``full_clean``, with the Swedish message at that
   field (``councils.validators.single_line``), and accepts ordinary Swedish text. A
   field whose values come from a list (``choices``), an e-mail address, a slug or the
   username refuses them through its own validation (at that field, its own message);
   the password is a hash the user never types into the field, and a status that
   only services set from its list is not validated at all (``editable=False``). Historical tables
   (django-simple-history) copy the fields of their model and are written by the
   library, not validated.
2. Every e-mail the project builds (``EmailMessage``, ``EmailMultiAlternatives``,
   ``send_mail`` …) gets its subject from ``councils.mail.subject``, which makes any
   text one line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from councils.validators import single_line

APPS = ("councils", "agreements", "pledges", "est", "followup", "search")
HOSTILE = ["\r\n", "\n", "x\rBcc: injected@evil.example", "\x00", "\x1b[31m", "a\u2028b", "\x85"]
ORDINARY = "Åsa Öberg – kl. 14.05"
SWEDISH = "Fältet får inte innehålla radbrytningar eller andra styrtecken."
#: fields that refuse control characters through validation of their own
OWN_VALIDATION = {"councils.User.username"}
#: not text a person types into a single-line field
NOT_TEXT = {"councils.User.password"}


def _label(field) -> str:
    return f"{field.model._meta.app_label}.{field.model.__name__}.{field.name}"


def _checks_itself(field) -> bool:
    return bool(field.choices) or isinstance(
        field, models.EmailField | models.SlugField | models.URLField
    )


def single_line_fields(model_classes) -> list:
    """The single-line text fields of ``model_classes`` that must carry ``single_line``."""
    return [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField)
        and not _checks_itself(field)
        and _label(field) not in OWN_VALIDATION | NOT_TEXT
    ]


def missing_single_line(model_classes) -> list[str]:
    """The fields of ``single_line_fields`` without the validator."""
    return [
        _label(field)
        for field in single_line_fields(model_classes)
        if single_line not in field.validators
    ]


def _models():
    return [
        model
        for name in APPS
        for model in apps.get_app_config(name).get_models()
        if not model.__name__.startswith("Historical")
    ]


def _all_char_fields():
    return [
        pytest.param(model, field, id=_label(field))
        for model in _models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField)
        and _label(field) not in NOT_TEXT
        and (field.editable or not field.choices)  # a status only services set
    ]


def _errors_at(model, field, value) -> list[str]:
    instance = model()
    setattr(instance, field.attname, value)
    others = [f.name for f in model._meta.fields if f.name != field.name]
    try:
        instance.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [str(message) for message in error.message_dict.get(field.name, [])]
    return []


def test_every_single_line_field_carries_the_validator():
    assert missing_single_line(_models()) == []


@pytest.mark.parametrize(("model", "field"), _all_char_fields())
def test_every_single_line_field_refuses_control_characters(model, field):
    with translation.override("sv"):
        for value in HOSTILE:
            errors = _errors_at(model, field, value)
            assert errors, f"{_label(field)} accepts {value!r}"
            if not _checks_itself(field) and _label(field) not in OWN_VALIDATION:
                assert SWEDISH in errors, errors
        assert SWEDISH not in _errors_at(model, field, ORDINARY)


def test_the_gate_fails_on_a_new_field_without_the_validator():
    class Snippet(models.Model):
        name = models.CharField(max_length=200)
        checked = models.CharField(max_length=200, validators=[single_line])
        kind = models.CharField(max_length=20, choices=[("a", "A")])
        notes = models.TextField()

        class Meta:
            app_label = "councils"
            abstract = True

    assert missing_single_line([Snippet]) == ["councils.Snippet.name"]


# --- every e-mail subject through councils.mail.subject --------------------------------

ROOT = Path(settings.BASE_DIR)
SKIP = {"tests", "var", "staticfiles", "static", "templates", "locale", "node_modules", "bench"}
#: what builds or sends an e-mail, and the position of its subject
SENDERS = {
    "EmailMessage": 0,
    "EmailMultiAlternatives": 0,
    "send_mail": 0,
    "send_mass_mail": None,  # tuples of (subject, …): never through the helper
    "mail_admins": 0,
    "mail_managers": 0,
}


def _python_files():
    for top in sorted(ROOT.iterdir()):
        if top.name.startswith(".") or top.name in SKIP:
            continue
        paths = [top] if top.suffix == ".py" else sorted(top.rglob("*.py"))
        yield from (path for path in paths if "migrations" not in path.parts)


def _through_helper(node) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return ast.unparse(func) in {"mail.subject", "subject"}


def unsafe_subjects(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: call`` for every e-mail whose subject is not built by the helper."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SENDERS:
            continue
        keyword = next((k.value for k in node.keywords if k.arg == "subject"), None)
        position = SENDERS[name]
        given = (
            keyword
            if keyword is not None
            else (node.args[position] if position is not None and node.args else None)
        )
        if given is None or not _through_helper(given):
            found.append(f"{filename}:{node.lineno}: {name}(…)")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_every_e_mail_subject_goes_through_the_helper():
    found = []
    for path in _python_files():
        found += unsafe_subjects(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_the_e_mail_gate_fails_on_a_subject_built_by_hand():
    snippet = """
from django.core.mail import EmailMultiAlternatives, send_mail
from councils import mail

EmailMultiAlternatives(subject=f"{kind}: {pledge.title}", body=body, to=[to])
send_mail(pledge.title, body, None, [to])
EmailMultiAlternatives()
EmailMultiAlternatives(subject=mail.subject(pledge.title), body=body, to=[to])
"""
    assert unsafe_subjects(snippet) == [
        "<snippet>:5: EmailMultiAlternatives(…)",
        "<snippet>:6: send_mail(…)",
        "<snippet>:7: EmailMultiAlternatives(…)",
    ]
