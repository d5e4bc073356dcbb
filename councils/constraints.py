"""Shared parts of model declarations: a period of days and the check constraints every
app writes the same way (an end not before its start, a number within limits)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from councils.dates import PLAUSIBLE_DATE


class Changed(models.Model):
    """When the row was last saved: the API's ``updated_since`` filter reads it (rows made
    before the field existed get the time of the migration)."""

    updated_at = models.DateTimeField(_("changed"), auto_now=True, db_default=Now())

    class Meta:
        abstract = True


class Period(models.Model):
    """A record that covers a period of days: ``period_start`` to ``period_end``, both
    plausible dates. The model names its order constraint itself, with
    ``not_before("period_end", "period_start", name=…)``."""

    period_start = models.DateField(_("period from"), validators=PLAUSIBLE_DATE)
    period_end = models.DateField(_("period to"), validators=PLAUSIBLE_DATE)

    class Meta:
        abstract = True


def not_before(
    later: str,
    earlier: str,
    *,
    name: str,
    strictly: bool = False,
    optional: tuple[str, ...] = (),
    **options,
) -> models.CheckConstraint:
    """The check that field ``later`` is on or after field ``earlier`` (``strictly``:
    after), the one way every model writes "the end cannot come before the start".
    The fields in ``optional`` may be empty (NULL), and then the row passes.
    ``options`` go to the constraint (``violation_error_message``)."""
    order = Q(**{f"{later}__{'gt' if strictly else 'gte'}": F(earlier)})
    condition = None
    for field in optional:
        empty = Q(**{f"{field}__isnull": True})
        condition = empty if condition is None else condition | empty
    condition = order if condition is None else condition | order
    return models.CheckConstraint(condition=condition, name=name, **options)


def within(field: str, low: int, high: int, *, name: str) -> models.CheckConstraint:
    """The check that the number in ``field`` lies from ``low`` to ``high``, both included."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )
