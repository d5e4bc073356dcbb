"""What changed in a pledge since its last review.

A review stores the pledge's ``snapshot``; the review page shows the ``diff`` between
that and the pledge now. The page asks ``since_last_review``, which keeps the diff in
the cache under what it is made of (the review compared with, the content now, the
reader's language), so it is worked out once per content, never served stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy

from councils import formats
from councils.cache import key
from pledges.models import Activity, Pledge, Review

#: how long a diff is kept; its key changes with the content, so this only frees memory
CHANGES_SECONDS = 24 * 3600


def reviewed_activities(pledge: Pledge) -> QuerySet[Activity]:
    """The activities a review reads, with what their snapshot shows."""
    return (
        pledge.activities.filter(deleted_at__isnull=True)
        .select_related("problem", "goal", "responsible_user", "responsible_organisation")
        .prefetch_related("themes")
        .order_by("order", "pk")
    )


def snapshot(pledge: Pledge, activities: Iterable[Activity] | None = None) -> dict[str, Any]:
    """The reviewable content of a pledge, for "what changed since the last review"
    (``activities``: the page's ``reviewed_activities`` when it has them loaded). Choices
    are kept as their values, shown in the reader's language by ``diff``: a review made
    in Swedish and read in English compares the same content."""
    if activities is None:
        activities = reviewed_activities(pledge)
    return {
        "fields": {
            "title": pledge.title,
            "period_start": pledge.period_start.isoformat(),
            "period_end": pledge.period_end.isoformat(),
            "area": pledge.area,
            "public_text": pledge.public_text,
        },
        "activities": {
            str(a.pk): {
                "title": a.title,
                "description": a.description,
                "responsible_party": a.responsible_party,
                "partner_name": a.partner_display,
                "responsible_name": a.responsible_name
                or (str(a.responsible_user) if a.responsible_user_id else ""),
                "start_date": a.start_date.isoformat() if a.start_date else "",
                "end_date": a.end_date.isoformat() if a.end_date else "",
                "recurrence": a.recurrence,
                "type": a.type,
                "problem": a.problem.title if a.problem_id else "",
                "goal": a.goal.text if a.goal_id else "",
                "themes": ", ".join(sorted(t.title for t in a.themes.all())),
                "status": a.status,
                "cadence": a.cadence,
            }
            for a in activities
        },
    }


FIELD_LABELS = {  # lazy: the labels are shown in the reader's language
    "title": gettext_lazy("title"),
    "period_start": gettext_lazy("period from"),
    "period_end": gettext_lazy("period to"),
    "area": gettext_lazy("area"),
    "public_text": gettext_lazy("public text"),
    "description": gettext_lazy("description"),
    "responsible_party": gettext_lazy("responsible party"),
    "partner_name": gettext_lazy("partner organisation"),
    "responsible_name": gettext_lazy("responsible person"),
    "start_date": gettext_lazy("from"),
    "end_date": gettext_lazy("to"),
    "recurrence": gettext_lazy("recurrence"),
    "type": gettext_lazy("type"),
    "problem": gettext_lazy("problem it serves"),
    "goal": gettext_lazy("goal it serves"),
    "themes": gettext_lazy("regional themes"),
    "status": gettext_lazy("status"),
    "cadence": gettext_lazy("follow-up cadence"),
}


DATE_FIELDS = {"period_start", "period_end", "start_date", "end_date"}
CHOICE_FIELDS = ("responsible_party", "type", "status", "cadence")


def _choices(name: str) -> dict[str, Any]:
    return dict(Activity._meta.get_field(name).flatchoices)


def _value(name: str, stored: str) -> str:
    """A choice's value; snapshots stored before 2026-12 kept the label in the language
    of whoever submitted, which is matched back to its value in any of our languages."""
    choices = _choices(name)
    if stored in choices or not stored:
        return stored
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.items():
                if str(label) == stored:
                    return value
    return stored


def _values(activity: dict) -> dict:
    return {
        **activity,
        **{name: _value(name, activity[name]) for name in CHOICE_FIELDS if name in activity},
    }


def _labels(activity: dict) -> dict:
    """An activity of a snapshot as the reader sees it: choices by their label."""
    return {
        **activity,
        **{
            name: str(_choices(name).get(activity[name], activity[name]))
            for name in CHOICE_FIELDS
            if name in activity
        },
    }


def diff(old: dict | None, new: dict) -> dict[str, list]:
    """Field by field, and activities added, removed and changed, between two snapshots."""

    def shown(name: str, value: str) -> str:  # the snapshot keeps ISO dates and values
        if name in DATE_FIELDS and value:
            return formats.day(value)
        if name in CHOICE_FIELDS:
            return str(_choices(name).get(value, value))
        return value

    def changed(before: dict, after: dict) -> list[tuple[str, str, str]]:
        return [
            (
                str(FIELD_LABELS.get(name, name)),
                shown(name, before.get(name, "")),
                shown(name, value),
            )
            for name, value in after.items()
            if before.get(name, "") != value
        ]

    after = {k: _values(a) for k, a in new["activities"].items()}
    if old is None:
        return {
            "fields": [],
            "added": [_labels(a) for a in after.values()],
            "removed": [],
            "changed": [],
        }
    before = {k: _values(a) for k, a in old["activities"].items()}
    return {
        "fields": changed(old["fields"], new["fields"]),
        "added": [_labels(after[k]) for k in after if k not in before],
        "removed": [_labels(before[k]) for k in before if k not in after],
        "changed": [
            (after[k]["title"], rows)
            for k in after
            if k in before and (rows := changed(before[k], after[k]))
        ],
    }


def since_last_review(
    pledge: Pledge, last: Review | None, activities: list[Activity]
) -> dict[str, list]:
    """``diff`` between the ``last`` review's snapshot and the pledge now (its loaded
    ``reviewed_activities``), from the cache when the same content was compared before."""
    now = snapshot(pledge, activities)
    content = json.dumps(now, sort_keys=True)
    cache_key, _digest = key(
        "pledge-changes:2", pledge.pk, last.pk if last else "-", get_language(), content
    )
    changes = cache.get(cache_key)
    if changes is None:
        changes = diff(last.snapshot if last else None, now)
        cache.set(cache_key, changes, CHANGES_SECONDS)
    return changes
