"""Validation and cleaning of the follow-up forms (entries and marking a pledge)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from councils.dates import DATE_INPUT, DateField, shift
from councils.forms import BoundedForm, BoundedModelForm, VersionedModelForm, check_period_order
from followup import cadence, county_summary, yearly_report
from followup.models import (
    CountyAnalysis,
    FollowUp,
    MunicipalityComment,
    Reminder,
    ReminderPreference,
)
from pledges.models import Activity, Pledge

ONE_DAY = dt.timedelta(days=1)


class FollowUpForm(BoundedModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "period_start",
            "period_end",
            "status",
            "progress",
            "done",
            "effect",
            "obstacles",
            "published",
        ]
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT}
        field_classes = {"period_start": DateField, "period_end": DateField}

    def __init__(self, *args, activity: Activity, latest: FollowUp | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["progress"].help_text = _("How far the activity has come, 0–100.")
        if not self.is_bound:
            self.initial.update(default_period(activity, latest))
            self.initial.setdefault("status", activity.status)
            self.initial.setdefault("progress", latest.progress if latest else 0)

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "period_start", "period_end", _("The period must end after it starts.")
        )
        return cleaned

    def values(self) -> dict:
        return dict(self.cleaned_data)


def default_period(
    activity: Activity, latest: FollowUp | None, today: dt.date | None = None
) -> dict[str, dt.date]:
    """The period a new entry most likely covers: the period due (or overdue), that is the
    calendar period of the activity's cadence that contains its next follow-up date.

    Without a next date: the period after the latest entry; without an entry either, the
    latest period that has ended by today, or the current one while none of the pledge's
    periods has ended. The period is cut to the pledge's period (a next date outside it
    counts as its first or last day) and starts after the latest entry; where the latest
    entry already covers it, the period after the entry is proposed. Nothing (empty
    fields) where no period is left, or where a stored date has no neighbour.
    """
    try:
        period = _period_due(activity, latest, today or cadence.today())
    except ValidationError:  # a stored date at the end of the calendar
        period = None
    return {"period_start": period[0], "period_end": period[1]} if period else {}


def _period_due(
    activity: Activity, latest: FollowUp | None, today: dt.date
) -> cadence.Period | None:
    pledge, kind = activity.pledge, activity.cadence
    within = (pledge.period_start, pledge.period_end)
    if within[1] < within[0]:
        return None
    if activity.next_follow_up:
        anchor = activity.next_follow_up
    elif latest:
        anchor = shift(latest.period_end, ONE_DAY)
    else:
        anchor = cadence.previous_period(today, kind)[1]
        if anchor < pledge.period_start:  # none has ended yet: the current one
            anchor = today
    anchor = min(max(anchor, within[0]), within[1])
    period = cadence.clip(cadence.period_containing(anchor, kind), within)
    if period and latest and latest.period_end >= period[0]:
        start = shift(latest.period_end, ONE_DAY)
        if start <= period[1]:
            period = (start, period[1])
        elif start <= within[1]:  # the latest entry covers it: the period after the entry
            period = cadence.clip(cadence.period_containing(start, kind), within)
        else:  # the latest entry reaches the pledge's end: nothing is due
            period = None
    return period


def mark_default_period(
    pledge: Pledge,
    latest_ends: list[dt.date],
    marked_until: dt.date | None = None,
    due: list[dt.date | None] | None = None,
) -> dict[str, dt.date]:
    """The period a pledge is most likely marked followed up for: from the day after the
    last marked period (or the pledge's start) to the period end most of the activities'
    latest entries after it share, that is the period whose entries are being recorded
    (a tie goes to the earlier end: periods are marked in order). Without such an entry,
    the earliest of the activities' next follow-ups (``due``), else the pledge's period
    end. Empty where every period is marked."""
    try:
        start = shift(marked_until, ONE_DAY) if marked_until else pledge.period_start
    except ValidationError:
        return {}
    ends = Counter(end for end in latest_ends if start <= end <= pledge.period_end)
    due_dates = [day for day in due or [] if day and start <= day <= pledge.period_end]
    if ends:
        end = min(ends, key=lambda day: (-ends[day], day))
    else:
        end = min(due_dates, default=pledge.period_end)
    if end < start:
        return {}
    return {"period_start": start, "period_end": end}


class MarkFollowedUpForm(BoundedForm):
    period_start = DateField(label=_("Period from"))
    period_end = DateField(
        label=_("Period to"),
        help_text=_("Every activity needs a follow-up whose period includes this day."),
    )
    summary = forms.CharField(
        label=_("Summary for residents"), required=False, widget=forms.Textarea
    )
    publish = forms.BooleanField(
        label=_("Publish the summary and mark it on the public pledge page"), required=False
    )

    def __init__(
        self,
        *args,
        pledge: Pledge,
        latest_ends: list[dt.date] | None = None,
        marked_until: dt.date | None = None,
        due: list[dt.date | None] | None = None,
        **kwargs,
    ):
        """``latest_ends``: the period end of each activity's latest entry;
        ``marked_until``: the end of the latest period marked followed up; ``due``: the
        activities' next follow-ups (see ``mark_default_period``)."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(mark_default_period(pledge, latest_ends or [], marked_until, due))

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "period_start", "period_end", _("The period must end after it starts.")
        )
        return cleaned


class CountySummaryForm(BoundedForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in county_summary.years(today)]
        self.fields["year"].initial = today.year


class YearlyReportForm(BoundedForm):
    """The year of the county board's yearly report (a GET form: the file is the answer)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, today, **kwargs):
        kwargs.setdefault("auto_id", "yearly-report-%s")  # beside the PDF form's "year"
        super().__init__(*args, **kwargs)
        offered = yearly_report.years(today)
        field = self.fields["year"]
        field.choices = [(y, y) for y in offered]
        field.initial = yearly_report.default_year(today)
        field.error_messages["invalid_choice"] = _("Choose a year from %(first)s to %(last)s.") % {
            "first": offered[-1],
            "last": offered[0],
        }
        field.error_messages["required"] = _("Choose the year the report is for.")


OPTIONAL_KINDS = [(v, label) for v, label in Reminder.Kind.choices if v not in Reminder.MANDATORY]


class PreferenceForm(BoundedModelForm):
    muted_kinds = forms.MultipleChoiceField(
        label=_("Do not e-mail me about"),
        choices=OPTIONAL_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Overdue follow-ups and pledges waiting for review are always e-mailed. "
            "Every reminder is also shown in the list of reminders."
        ),
    )

    class Meta:
        model = ReminderPreference
        fields = ["frequency", "muted_kinds"]
        widgets = {"frequency": forms.RadioSelect}


class CountyAnalysisForm(VersionedModelForm):
    class Meta:
        model = CountyAnalysis
        fields = ["introduction"]
        help_texts = {
            "introduction": _(
                "The county board's own analysis of the year, printed first in the county "
                "summary. Only the county officers of the county board see it until then."
            )
        }


class MunicipalityCommentForm(VersionedModelForm):
    class Meta:
        model = MunicipalityComment
        fields = ["text"]
        help_texts = {"text": _("Printed under the municipality's heading in the county summary.")}


class PartnerFollowUpForm(FollowUpForm):
    """A partner contact's follow-up of their organisation's activity: the same entry,
    published by the municipality (never by the partner)."""

    class Meta(FollowUpForm.Meta):
        fields = [name for name in FollowUpForm.Meta.fields if name != "published"]
