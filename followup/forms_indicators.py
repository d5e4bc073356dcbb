"""Forms of the indicator pages: the import file and a goal's indicator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import BoundedForm
from followup.indicators import MAX_BYTES
from followup.models import Indicator, IndicatorValue


class IndicatorImportForm(BoundedForm):
    """The file to import. Its size and kind are checked before anything reads it."""

    class Kind:
        CSV = "csv"
        KOLADA = "kolada"

    SUFFIXES = {Kind.CSV: ".csv", Kind.KOLADA: ".json"}

    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[
            (Kind.CSV, _("CSV (indicator, municipality, area, year, gender, value)")),
            (Kind.KOLADA, _("Kolada JSON (an answer of Kolada's API, v2)")),
        ],
        initial=Kind.CSV,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File with indicator values"),
        help_text=_("At most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        if upload.size > MAX_BYTES:
            self.add_error(
                "file",
                forms.ValidationError(
                    _("The file is larger than 2 MB. Split it into smaller files."),
                    code="too_large",
                ),
            )
        elif not upload.name.lower().endswith(self.SUFFIXES[kind]):
            self.add_error(
                "file",
                forms.ValidationError(
                    _("Choose a file whose name ends in %(suffix)s.")
                    % {"suffix": self.SUFFIXES[kind]},
                    code="file_type",
                ),
            )
        return cleaned


class GoalIndicatorForm(BoundedForm):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.order_by("name"),
        required=False,
        empty_label=_("No indicator"),
        help_text=_("Choose “No indicator” to remove the link."),
    )
    area = forms.CharField(
        label=_("Area"),
        max_length=200,
        required=False,
        help_text=_("Empty for the whole municipality."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=IndicatorValue.Gender, initial=IndicatorValue.Gender.TOTAL
    )
