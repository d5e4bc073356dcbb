"""Forms of the follow-up of a whole plan: the period, and one row per activity.

A row is the single follow-up form (``FollowUpForm``) without the period (the page
chooses one period for every row) and with the version of the activity the user saw.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from councils import formats
from councils.forms import BoundedForm
from followup import cadence
from followup.forms import FollowUpForm
from followup.models import FollowUp
from pledges.models import Activity, Pledge

SEPARATOR = "/"  # an ISO 8601 interval: 2026-01-01/2026-04-30


def plan_cadence(activities: Sequence[Activity]) -> str:
    """The cadence most of the activities are followed up by (a tie goes to the one
    listed first among the cadences); the model's default without activities."""
    counts = Counter(activity.cadence for activity in activities)
    if not counts:
        return Activity._meta.get_field("cadence").default
    return max(Activity.Cadence.values, key=lambda kind: counts[kind])


def plan_periods(pledge: Pledge, kind: str, today: dt.date) -> list[cadence.Period]:
    """The periods of ``kind`` within the pledge's period that have started by today."""
    return cadence.periods_within((pledge.period_start, pledge.period_end), kind, today)


def default_plan_period(periods: Sequence[cadence.Period], today: dt.date):
    """The period most recently ended (the one due), else the current one; None without
    periods."""
    ended = [period for period in periods if period[1] < today]
    if ended:
        return ended[-1]
    return periods[-1] if periods else None


def period_key(period: cadence.Period) -> str:
    return f"{period[0].isoformat()}{SEPARATOR}{period[1].isoformat()}"


class PlanPeriodForm(BoundedForm):
    """The period every row of the plan is followed up for: one of the plan's periods."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, periods: Sequence[cadence.Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period_key(period): period for period in periods}
        self.fields["period"].choices = [
            (value, formats.iso_period(*period)) for value, period in self.periods.items()
        ]

    def clean_period(self) -> cadence.Period:
        return self.periods[self.cleaned_data["period"]]


class PlanRowForm(FollowUpForm):
    """One activity's row: the single form's fields but the period, and the version of
    the activity the row was filled in against."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta(FollowUpForm.Meta):
        fields = [name for name in FollowUpForm.Meta.fields if not name.startswith("period_")]

    def __init__(self, *args, activity: Activity, latest: FollowUp | None = None, **kwargs):
        super().__init__(*args, activity=activity, latest=latest, **kwargs)
        self.activity = activity
        if not self.is_bound:
            self.initial["version"] = activity.version

    def posted_version(self) -> int | None:
        """The version the row was posted with; None when missing or not a number."""
        try:
            return int(self.data[self.add_prefix("version")])
        except (KeyError, TypeError, ValueError):
            return None

    def rebase(self, current: Activity) -> None:
        """Move the row onto the stored version: saving again is a deliberate choice."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        values.pop("version", None)
        return values
