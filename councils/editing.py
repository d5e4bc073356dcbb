"""Saving a form through a service: the one way every edit page handles the outcome.

``submit(form, save)`` validates the form and calls ``save()``; it turns a stale
version (``Conflict``) into the conflict table beside the user's values, and a
service's ``ValidationError`` into errors on the form. The page then renders the
outcome its own way (a full page, or an htmx fragment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from councils.concurrency import Conflict

INVALID, CONFLICT = 400, 409


def posted_version(request) -> int | None:
    """The version a confirmation form (a delete) posted; None when missing or not a
    number, which the service treats as a stale version (``Conflict``)."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@dataclass
class Outcome:
    ok: bool
    saved: Any = None
    status: int = 200
    #: extra template context: ``conflict`` rows and ``conflict_current`` after a Conflict
    context: dict[str, Any] = field(default_factory=dict)


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: at its field where the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit(form, save: Callable[[], Any]) -> Outcome:
    if not form.is_valid():
        return Outcome(ok=False, status=INVALID)
    try:
        saved = save()
    except Conflict as conflict:
        form.rebase(conflict.current)
        return Outcome(
            ok=False,
            status=CONFLICT,
            context={
                "conflict": form.conflict_rows(conflict.current),
                "conflict_current": conflict.current,
            },
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return Outcome(ok=False, status=INVALID)
    return Outcome(ok=True, saved=saved)
