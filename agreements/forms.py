"""Validation and cleaning of the agreements app's forms; messages in Swedish via gettext."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    ActionPlan,
    Agreement,
    FocusArea,
    Goal,
    PriorityProblem,
    SituationalPicture,
    Source,
)
from councils.dates import DateField
from councils.forms import VersionedModelForm
from councils.models import VulnerableArea

#: The longest text any text area accepts: generous for a real lägesbild, bounded.
MAX_TEXT = 20_000

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bound_text_areas(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.validators.append(MaxLengthValidator(MAX_TEXT))
            field.widget.attrs.setdefault("rows", 6)


def _order(form: forms.Form, start: str, end: str, message) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class SituationalPictureForm(VersionedModelForm):
    class Meta:
        model = SituationalPicture
        fields = [
            "title",
            "owner",
            "period_start",
            "period_end",
            "mapping",
            "other_information",
            "analysis",
            "decided_by",
            "decided_on",
            "next_review",
            "is_current",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "decided_on": DATE,
            "next_review": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_text_areas(self)

    def clean(self):
        cleaned = super().clean()
        _order(self, "period_start", "period_end", _("The period must end after it starts."))
        _order(
            self, "decided_on", "next_review", _("The next review must come after the decision.")
        )
        if bool(cleaned.get("decided_by")) != bool(cleaned.get("decided_on")):
            self.add_error(
                "decided_on" if cleaned.get("decided_by") else "decided_by",
                _("Give both who decided and when, or neither."),
            )
        return cleaned


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["kind", "note", "dated"]
        widgets = {"dated": DATE}


class PriorityProblemForm(VersionedModelForm):
    class Meta:
        model = PriorityProblem
        fields = [
            "title",
            "perspective",
            "description",
            "place",
            "vulnerable_area",
            "cause_analysis",
        ]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_text_areas(self)
        self.fields["vulnerable_area"].queryset = VulnerableArea.objects.filter(
            municipality=municipality
        )


class ActionPlanForm(VersionedModelForm):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "picture",
            "decided_by",
            "decided_on",
            "valid_from",
            "valid_until",
            "problems",
        ]
        widgets = {
            "decided_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture"].queryset = SituationalPicture.objects.filter(
            municipality=municipality
        )
        self.fields["problems"].queryset = PriorityProblem.objects.filter(
            picture__municipality=municipality
        ).select_related("picture")

    def clean(self):
        cleaned = super().clean()
        _order(
            self, "valid_from", "valid_until", _("The plan must be valid until after it starts.")
        )
        return cleaned


# --- Agreement -----------------------------------------------------------------------


class AgreementCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = DateField(label=_("Start date"), widget=DATE)
    end_date = DateField(label=_("End date"), widget=DATE)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The agreement must end after it starts."))
        return cleaned


class AgreementBasicsForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "start_date", "end_date", "police_areas"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "police_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_areas"].queryset = self.instance.municipality.local_police_areas.all()
        self.fields["police_areas"].help_text = _(
            "The local police areas that cover the municipality."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The agreement must end after it starts."))
        return cleaned


class AgreementProblemsForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = ["problems"]
        widgets = {"problems": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["problems"]
        field.queryset = (
            PriorityProblem.objects.filter(
                picture__municipality=self.instance.municipality, picture__is_current=True
            )
            | self.instance.problems.all()
        )
        field.queryset = field.queryset.distinct().order_by("rank", "pk")
        field.help_text = _("The priority problems of the current lägesbild.")


class AgreementFollowUpForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = ["documentation", "follow_up_by", "follow_up_frequency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_text_areas(self)


class AgreementSignatoriesForm(VersionedModelForm):
    class Meta:
        model = Agreement
        fields = [
            "municipality_signatory_name",
            "municipality_signatory_title",
            "police_signatory_name",
            "police_signatory_title",
        ]


class FocusAreaForm(VersionedModelForm):
    class Meta:
        model = FocusArea
        fields = ["title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_text_areas(self)


class GoalForm(VersionedModelForm):
    class Meta:
        model = Goal
        fields = [
            "text",
            "focus_area",
            "indicator_name",
            "indicator_source",
            "indicator_unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "latest_value",
            "latest_year",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = self.instance.agreement.focus_areas.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target_value") is not None and not cleaned.get("indicator_name"):
            self.add_error("indicator_name", _("A goal with a target needs an indicator."))
        for value, year in (("baseline_value", "baseline_year"), ("target_value", "target_year")):
            if (cleaned.get(value) is None) != (cleaned.get(year) is None) and not self.has_error(
                year
            ):
                self.add_error(year, _("Give both the value and its year, or neither."))
        baseline, target = cleaned.get("baseline_year"), cleaned.get("target_year")
        if baseline and target and target < baseline:
            self.add_error(
                "target_year", _("The target year cannot come before the baseline year.")
            )
        return cleaned


class SignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = DateField(label=_("Signing date"), widget=DATE)

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("The signing date cannot be in the future."))
        return signed_on


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
