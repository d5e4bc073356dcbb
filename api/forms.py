from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from councils import dates
from councils.forms import BoundedForm
from councils.validators import single_line


class ApiTokenForm(BoundedForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[single_line],
        help_text=_("Which system uses the token, e.g. “Stratsys”."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices)
    expires_on = dates.DateField(label=_("Valid until"), required=False)

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < dates.today():
            raise forms.ValidationError(_("Choose a day from today on."))
        return day
