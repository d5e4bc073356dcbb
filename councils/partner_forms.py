"""The forms of partner organisations: a new partner, a partnership with one that
exists, an invitation, and the invited person's account."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import BoundedForm
from councils.models import Organisation, Role
from councils.partner_kinds import PartnerKind
from councils.partners import INVITED_ROLES, Partnership
from councils.validators import single_line


class PartnerCreateForm(BoundedForm):
    name = forms.CharField(
        label=_("Name of the organisation"), max_length=200, validators=[single_line]
    )
    partner_kind = forms.ChoiceField(label=_("Kind of partner"), choices=PartnerKind.choices)


class PartnershipStartForm(BoundedForm):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        active = Partnership.objects.active().filter(municipality=municipality)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.PARTNER
        ).exclude(pk__in=active.values("organisation"))


class InvitationForm(BoundedForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in INVITED_ROLES]
    )

    def clean_role(self) -> str:
        return Role(self.cleaned_data["role"]).value


class AcceptInvitationForm(BoundedForm):
    """The invited person's new account: their name and a password, twice."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") != cleaned.get("password1"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def values(self) -> dict:
        return {
            "first_name": self.cleaned_data["first_name"],
            "last_name": self.cleaned_data["last_name"],
            "password": self.cleaned_data["password1"],
        }
