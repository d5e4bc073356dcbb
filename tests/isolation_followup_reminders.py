"""Isolation cases of followup/views/reminders.py (imported by tests/isolation.py).

Both pages are the signed-in user's own: an outsider sees none of the owner's
reminders (their text and municipality) and not the owner's preference.
"""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _owners_reminder(cast) -> list[str]:
    reminder = f.ReminderFactory(
        user=cast.owner, municipality=cast.home, text="Hemlig påminnelse om Hemby"
    )
    return [reminder.text, cast.home.name]


def _owners_preference(cast) -> list[str]:
    f.ReminderPreferenceFactory(user=cast.owner, frequency="weekly")
    f.ReminderFactory(user=cast.owner, municipality=cast.home, text="Hemlig påminnelse")
    return ["Hemlig påminnelse", cast.home.name]


register("reminder-list", Case(Kind.LOGIN, hidden=_owners_reminder))
register("reminder-preferences", Case(Kind.LOGIN, hidden=_owners_preference))
