"""Who changed what and when, for every editable record (django-simple-history).

Models declare ``history = tracked()`` and say which municipality they belong to
through ``scope_municipality_id`` (for most, from their ``municipality_path``:
``councils.models.InMunicipality``); each historical row then also records the
organisation the user acted for (``councils.acting``). ``changes(record)`` lists the
fields each save changed, for the per-record history page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from councils import formats
from councils.validators import single_line

#: model label ("agreements.agreement") -> model, for the per-record history page
TRACKED: dict[str, type[models.Model]] = {}


class HistoryOrganisation(models.Model):
    """Extra columns of every historical table."""

    history_organisation = models.CharField(
        gettext_lazy("organisation"), max_length=200, blank=True, validators=[single_line]
    )

    class Meta:
        abstract = True


def tracked(**kwargs: Any) -> HistoricalRecords:
    return HistoricalRecords(bases=[HistoryOrganisation], **kwargs)


def register(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: the record's history can be opened at /history/<label>/<pk>/."""
    TRACKED[model._meta.label_lower] = model
    return model


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    #: what the page says of it beside the field's name ("" for most fields)
    note: str = ""


def _sharing(record, previous, model) -> Change | None:
    """A document shared with another authority (``councils.sharing``) says with whom
    and when in its history: "Delad med Polismyndigheten 12 mars 2026 kl. 10.14". The
    moment is not an editable field, which ``diff_against`` leaves out."""
    name = getattr(model, "shared_moment_field", None)
    if name is None:
        return None
    new = getattr(record, name, None)
    old = getattr(previous, name, None) if previous is not None else None
    if new is None or new == old:
        return None
    note = _("Shared with %(who)s %(when)s") % {
        "who": getattr(record, "shared_with", "") or "–",
        "when": formats.moment(new),
    }
    return Change(str(model._meta.get_field(name).verbose_name), old, new, note)


def changes(record, previous) -> list[Change]:
    """The fields ``record`` changed compared with ``previous`` (None for a creation)."""
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=["version"])
    model = record.instance_type
    result = []
    for change in delta.changes:
        try:
            label = str(model._meta.get_field(change.field).verbose_name)
        except Exception:  # a field that no longer exists
            label = change.field
        result.append(Change(label, change.old, change.new))
    if shared := _sharing(record, previous, model):
        result.append(shared)
    return result
