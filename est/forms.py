"""The forms of EST: validation and cleaning only (the services decide the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from councils import imports
from councils.dates import DATE_INPUT
from councils.forms import BoundedForm, VersionedModelForm
from est import privacy
from est.models import MAX_DESCRIPTION, EstMeeting, Measure, Place, Report, TertialAnalysis

ABOUT_PLACES = _(
    "Write about the place and what happened there, never about people: no names, no "
    "personal identity numbers."
)


class EstForm(VersionedModelForm):
    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PlaceForm(EstForm):
    class Meta:
        model = Place
        fields = ["name", "area", "kind", "vulnerable", "latitude", "longitude", "active"]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned


class CategoryForm(BoundedForm):
    name = forms.CharField(label=_("New category"), max_length=100)


class ReportForm(EstForm):
    """A report, phone first. A description that looks like it names people asks for a
    confirmation (``confirm_names``) before it is saved."""

    confirm_names = forms.BooleanField(
        label=_("I have checked: the description names no people"), required=False
    )

    class Meta:
        model = Report
        fields = [
            "organisation",
            "occurred_on",
            "time_band",
            "occurred_at",
            "place",
            "category",
            "count",
            "cost",
            "description",
        ]
        widgets = {
            "occurred_on": DATE_INPUT,
            "occurred_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "cost": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 100}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"description": ABOUT_PLACES}

    def __init__(self, *args, places, categories, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["category"].queryset = categories
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["description"].max_length = MAX_DESCRIPTION
        self.fields["description"].widget.attrs["maxlength"] = str(MAX_DESCRIPTION)
        self.names_found: list[str] = []

    def clean_description(self):
        text = self.cleaned_data["description"]
        privacy.check_no_personal_numbers(text)
        return text

    def clean(self):
        cleaned = super().clean()
        self.names_found = privacy.name_like(cleaned.get("description") or "")
        if self.names_found and not cleaned.get("confirm_names"):
            self.add_error(
                "description",
                _(
                    "This looks like it names people (%(names)s). Write about the place "
                    "instead, or tick the box below if these are not people."
                )
                % {"names": ", ".join(self.names_found)},
            )
        return cleaned

    def values(self) -> dict:
        values = super().values()
        values.pop("confirm_names", None)
        return values


class ImportForm(BoundedForm):
    """A partner's own export of reports (CSV or XLSX)."""

    organisation = forms.ModelChoiceField(label=_("Reported by"), queryset=None)
    file = forms.FileField(
        label=_("File with reports (CSV or XLSX)"),
        help_text=_(
            "At most 2 MB. Columns: date, time, place, area, category, count, cost, "
            "description (the first row holds the headers)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Choose a CSV or XLSX file (a file name ending in .csv or .xlsx)."),
                code="file_type",
            )
        return upload


class ChecklistForm(BoundedForm):
    """The week and the organisation of the weekly checklist; the counts are the grid's
    own inputs (``cell-<place>-<category>``), read by the view."""

    week = forms.CharField(
        label=_("Week"), max_length=10, widget=forms.TextInput(attrs={"type": "week"})
    )
    organisation = forms.ModelChoiceField(label=_("Reported by"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class MeetingForm(EstForm):
    class Meta:
        model = EstMeeting
        fields = ["held_on", "organisations", "analysis"]
        widgets = {
            "held_on": DATE_INPUT,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations


class MeasureForm(EstForm):
    description = forms.CharField(
        label=_("What is to be done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Measure
        fields = ["kind", "title", "place", "responsible", "due_on"]
        widgets = {"kind": forms.RadioSelect, "due_on": DATE_INPUT}

    def __init__(self, *args, places, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["responsible"].queryset = organisations


class MeasureFollowUpForm(EstForm):
    class Meta:
        model = Measure
        fields = ["done", "outcome"]


class TertialForm(EstForm):
    class Meta:
        model = TertialAnalysis
        fields = ["year", "tertial", "summary"]


class AttachForm(BoundedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    picture = forms.ModelChoiceField(label=_("Lägesbild"), queryset=None)

    def __init__(self, *args, pictures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture"].queryset = pictures

    def rebase(self, current) -> None:
        data = self.data.copy()
        data["version"] = str(current.version)
        self.data = data

    def conflict_rows(self, current) -> list:
        return []
