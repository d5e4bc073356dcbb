"""Validation and cleaning of the pledges app's forms.

Every choice a form offers is limited to the pledge's own municipality (problems,
goals, action plans, decisions, agreements, vulnerable areas, people) or to its
police region (themes). The services check the same again, because a posted value
can be anything: the form refuses what is not in its list, the service refuses
what does not belong to the pledge.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import ActionPlan, Agreement, Goal, PriorityProblem
from councils import formats, imports
from councils.dates import DATE_INPUT, DateField, in_range
from councils.forms import BoundedForm, BoundedModelForm, VersionedModelForm, check_period_order
from councils.models import Decision, Organisation, User, VulnerableArea
from councils.partners import Partnership
from pledges import services
from pledges.models import Activity, Dialogue, Pledge, RegionalTheme

# --- the pledge --------------------------------------------------------------------


class PledgeCreateForm(BoundedForm):
    """A new draft: what is needed to start; the rest is edited on the pledge page."""

    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = DateField(label=_("Period from"))
    period_end = DateField(label=_("Period to"))
    agreement = forms.ModelChoiceField(
        label=_("Cooperation agreement"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("The agreement the pledge is the public part of."),
    )

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("initial", services.new_pledge_defaults(municipality))
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(municipality=municipality)

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "period_start", "period_end", _("The period must end after it starts.")
        )
        return cleaned


class PledgeForm(VersionedModelForm):
    """Every field of the pledge that its editor changes.

    The editor shows the fields in sections; each section is a subclass that
    narrows ``Meta.fields``. Choices are limited to the pledge's municipality.
    """

    class Meta:
        model = Pledge
        fields = [
            "title",
            "area",
            "vulnerable_area",
            "agreement",
            "period_start",
            "period_end",
            "public_text",
            "problems",
        ]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "problems": forms.CheckboxSelectMultiple,
            "public_text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = self.instance.municipality_id
        limits = {
            "vulnerable_area": VulnerableArea.objects.filter(municipality_id=municipality_id),
            "agreement": Agreement.objects.filter(municipality_id=municipality_id),
            "problems": PriorityProblem.objects.filter(
                picture__municipality_id=municipality_id
            ).select_related("picture"),
        }
        for name, queryset in limits.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "problems" in self.fields:
            self.fields["problems"].label_from_instance = lambda p: f"{p.title} ({p.picture.title})"

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "period_start", "period_end", _("The period must end after it starts.")
        )
        return cleaned


class PledgeBasicsForm(PledgeForm):
    class Meta(PledgeForm.Meta):
        fields = ["title", "period_start", "period_end", "area", "vulnerable_area", "agreement"]


class PledgeTextForm(PledgeForm):
    class Meta(PledgeForm.Meta):
        fields = ["public_text"]


class PledgeProblemsForm(PledgeForm):
    class Meta(PledgeForm.Meta):
        fields = ["problems"]


# --- dialogues ---------------------------------------------------------------------


class DialogueForm(BoundedModelForm):
    class Meta:
        model = Dialogue
        fields = ["kind", "held_on", "participants", "summary"]
        widgets = {"held_on": DATE_INPUT}


# --- activities --------------------------------------------------------------------


def responsible_users(municipality_id: int):
    """People who can be named responsible: members of the municipality's own
    organisations and of the local police areas that cover it."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__organisation__municipality_id=municipality_id)
            | Q(memberships__organisation__local_police_area__municipalities=municipality_id)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def themes_of(pledge: Pledge):
    return RegionalTheme.objects.filter(
        police_region_id=pledge.municipality.county.police_region_id
    ).order_by("order", "pk")


class ActivityForm(VersionedModelForm):
    """One activity of a pledge's activity plan.

    ``pledge`` limits every choice: problems, goals, action plans and decisions of
    its municipality, people of the organisations that work there, themes of its
    police region.
    """

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "type",
            "status",
            "responsible_party",
            "responsible_organisation",
            "partner_name",
            "responsible_user",
            "responsible_name",
            "responsible_email",
            "start_date",
            "end_date",
            "recurrence",
            "problem",
            "goal",
            "action_plan",
            "decision",
            "themes",
            "cadence",
            "next_follow_up",
        ]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "next_follow_up": DATE_INPUT,
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        municipality_id = pledge.municipality_id
        fields = self.fields
        fields["problem"].queryset = PriorityProblem.objects.filter(
            picture__municipality_id=municipality_id
        ).select_related("picture")
        fields["problem"].label_from_instance = lambda p: f"{p.title} ({p.picture.title})"
        fields["goal"].queryset = Goal.objects.filter(agreement__municipality_id=municipality_id)
        fields["action_plan"].queryset = ActionPlan.objects.filter(municipality_id=municipality_id)
        fields["decision"].queryset = Decision.objects.filter(
            meeting__council__municipality_id=municipality_id
        ).select_related("meeting", "meeting__council")
        fields["decision"].label_from_instance = lambda d: (
            f"{formats.iso(d.meeting.held_on)} § {d.order} {d.text[:60]}"
        )
        fields["responsible_user"].queryset = responsible_users(municipality_id)
        # the municipality's partners now, and the one the activity names (even if ended)
        partnered = Partnership.objects.filter(municipality_id=municipality_id)
        current = Q(pk=self.instance.responsible_organisation_id or 0)
        fields["responsible_organisation"].queryset = Organisation.objects.filter(
            Q(pk__in=partnered.active().values("organisation")) | current
        )
        fields["themes"].queryset = themes_of(pledge)
        fields["themes"].help_text = _(
            "The themes your police region requires every pledge to address."
        )
        if not fields["themes"].queryset.exists():
            del fields["themes"]
        # one of the two is required: say so instead of "(optional)" on each
        fields["start_date"].requirement = _("this or how often")
        fields["recurrence"].requirement = _("this or a start date")

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "start_date", "end_date", _("The activity must end after it starts.")
        )
        # a date outside 1990–2100 gets the plausible-date message (model validation)
        plausible = {
            name: cleaned[name] if cleaned.get(name) and in_range(cleaned[name]) else None
            for name in ("start_date", "end_date", "next_follow_up")
        }
        for name, message in services.activity_date_errors(self.pledge, **plausible).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        if (
            cleaned.get("responsible_party") == Activity.Party.PARTNER
            and not cleaned.get("partner_name", "").strip()
            and not cleaned.get("responsible_organisation")
            and "partner_name" not in self.errors
        ):
            self.add_error("partner_name", _("Name the partner organisation that is responsible."))
        if (
            "start_date" in cleaned
            and "recurrence" in cleaned
            and not cleaned["start_date"]
            and not cleaned["recurrence"].strip()
        ):
            self.add_error(
                "start_date", _("Give a start date or describe how often the activity recurs.")
            )
        return cleaned

    @property
    def themes(self):
        """The chosen themes, or None when the region has none (nothing to set)."""
        return self.cleaned_data.get("themes") if "themes" in self.fields else None


# --- import ------------------------------------------------------------------------

#: The largest file the activity import accepts.
MAX_IMPORT_BYTES = imports.MAX_BYTES
IMPORT_SUFFIXES = (".csv", ".xlsx")


class ActivityImportForm(BoundedForm):
    """The file to import. Its size and kind are checked before anything reads it."""

    file = forms.FileField(
        label=_("File with activities (CSV or XLSX)"),
        help_text=_("At most 2 MB. The first row holds the column headers, as in the export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB. Split it into smaller files."),
                code="too_large",
            )
        if not upload.name.lower().endswith(IMPORT_SUFFIXES):
            raise forms.ValidationError(
                _("Choose a CSV or XLSX file (a file name ending in .csv or .xlsx)."),
                code="file_type",
            )
        return upload
