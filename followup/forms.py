"""Validation and cleaning of the follow-up forms (entries and marking a pledge)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from councils.dates import DateField
from followup import cadence
from followup.models import FollowUp
from pledges.models import Activity, Pledge

MAX_TEXT = 20_000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bound_text_areas(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.Textarea):
            f.validators.append(MaxLengthValidator(MAX_TEXT))
            f.widget.attrs["maxlength"] = MAX_TEXT
            f.widget.attrs.setdefault("rows", 4)


def _check_order(form: forms.BaseForm) -> None:
    start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
    if start and end and end < start:
        form.add_error("period_end", _("The period must end after it starts."))


class FollowUpForm(forms.ModelForm):
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
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args, activity: Activity, latest: FollowUp | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["progress"].help_text = _("How far the activity has come, 0–100.")
        _bound_text_areas(self)
        if not self.is_bound:
            self.initial.update(default_period(activity, latest))
            self.initial.setdefault("status", activity.status)
            self.initial.setdefault("progress", latest.progress if latest else 0)

    def clean(self):
        cleaned = super().clean()
        _check_order(self)
        return cleaned

    def values(self) -> dict:
        return dict(self.cleaned_data)


def default_period(activity: Activity, latest: FollowUp | None, today: dt.date | None = None):
    """The period a new entry most likely covers: from the day after the last entry
    (or the start of the activity's cadence period) to the due date or today."""
    today = today or cadence.today()
    end = activity.next_follow_up or today
    if latest and latest.period_end < end:
        start = latest.period_end + dt.timedelta(days=1)
    else:
        start = cadence.previous_follow_up(end, activity.cadence)
    return {"period_start": start, "period_end": end}


class MarkFollowedUpForm(forms.Form):
    period_start = DateField(label=_("Period from"), widget=DATE)
    period_end = DateField(
        label=_("Period to"),
        widget=DATE,
        help_text=_("Every activity needs a follow-up whose period includes this day."),
    )
    summary = forms.CharField(
        label=_("Summary for residents"), required=False, widget=forms.Textarea
    )
    publish = forms.BooleanField(
        label=_("Publish the summary and mark it on the public pledge page"), required=False
    )

    def __init__(self, *args, pledge: Pledge, latest_ends: list[dt.date] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_text_areas(self)
        if not self.is_bound:
            ends = latest_ends or []
            self.initial.update(
                period_start=pledge.period_start,
                period_end=min(ends) if ends else pledge.period_end,
            )

    def clean(self):
        cleaned = super().clean()
        _check_order(self)
        return cleaned
