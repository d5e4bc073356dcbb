"""Validation and cleaning of the agreements app's forms; messages in Swedish via gettext."""

from __future__ import annotations

from django import forms
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
from councils.dates import DATE_INPUT, DateField
from councils.forms import (
    BoundedForm,
    BoundedModelForm,
    VersionedModelForm,
    check_period_order,
)
from councils.models import VulnerableArea


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
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "decided_on": DATE_INPUT,
            "next_review": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        picture = self.instance
        #: the municipality's current lägesbild, if it is another one: making this one
        #: current switches from it, once the user confirms
        self.current_other = (
            SituationalPicture.objects.filter(
                municipality_id=picture.municipality_id, is_current=True
            )
            .exclude(pk=picture.pk)
            .first()
        )
        if self.current_other is not None:
            self.fields["replace_current"] = forms.BooleanField(
                label=_("Yes, make this the current lägesbild instead of “%(title)s”")
                % {"title": self.current_other.title},
                help_text=_("Only one lägesbild is current; the other one then stops being it."),
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("is_current")
            and self.current_other is not None
            and not cleaned.get("replace_current")
        ):
            self.add_error(
                "replace_current",
                _(
                    "“%(title)s” is the current lägesbild now. Confirm that this one "
                    "takes its place, or leave “current” unticked."
                )
                % {"title": self.current_other.title},
            )
        check_period_order(
            self, "period_start", "period_end", _("The period must end after it starts.")
        )
        check_period_order(
            self, "decided_on", "next_review", _("The next review must come after the decision.")
        )
        if bool(cleaned.get("decided_by")) != bool(cleaned.get("decided_on")):
            self.add_error(
                "decided_on" if cleaned.get("decided_by") else "decided_by",
                _("Give both who decided and when, or neither."),
            )
        return cleaned


class SourceForm(BoundedModelForm):
    class Meta:
        model = Source
        fields = ["kind", "note", "dated"]
        widgets = {"dated": DATE_INPUT}


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
            "decided_on": DATE_INPUT,
            "valid_from": DATE_INPUT,
            "valid_until": DATE_INPUT,
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
        check_period_order(
            self, "valid_from", "valid_until", _("The plan must be valid until after it starts.")
        )
        return cleaned


# --- Agreement -----------------------------------------------------------------------


class _AgreementPeriod:
    """An agreement's period: it ends after the day it starts."""

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self,
            "start_date",
            "end_date",
            _("The agreement must end after it starts."),
            same_day=False,
        )
        return cleaned


class AgreementCreateForm(_AgreementPeriod, BoundedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"))


class AgreementBasicsForm(_AgreementPeriod, VersionedModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "start_date", "end_date", "police_areas"]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "police_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_areas"].queryset = self.instance.municipality.local_police_areas.all()
        self.fields["police_areas"].help_text = _(
            "The local police areas that cover the municipality."
        )


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
        check_period_order(
            self,
            "baseline_year",
            "target_year",
            _("The target year cannot come before the baseline year."),
        )
        return cleaned


class CommentForm(BoundedForm):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
