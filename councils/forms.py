from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from councils.models import CoordinationFunction, Council, CouncilMember, Decision, Meeting


class LoginForm(AuthenticationForm):
    """The login form, with the autocomplete hints that password managers need."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version it was filled in against.

    After a ``councils.concurrency.Conflict``, ``rebase(current)`` moves the form onto
    the stored version (so saving again is a deliberate choice) and
    ``conflict_rows(current)`` lists the fields where the stored values differ from
    the user's, for templates/components/conflict.html.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def rebase(self, current) -> None:
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data

    def conflict_rows(self, current) -> list[tuple[str, str, str]]:
        rows = []
        for name, field in self.fields.items():
            if name == "version" or name not in self.cleaned_data:
                continue
            stored = getattr(current, name, None)
            mine = self.cleaned_data[name]
            if hasattr(stored, "all"):  # many-to-many
                stored, mine = set(stored.all()), set(mine or [])
            if stored != mine:
                rows.append((str(field.label), _display(stored), _display(mine)))
        return rows


def _display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, set):
        return ", ".join(sorted(str(v) for v in value)) or "–"
    return str(value)


# --- Councils, meetings and the coordination function ------------------------------

#: The longest text any text area accepts: generous for real minutes, bounded.
MAX_TEXT = 20_000

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CouncilsForm(VersionedModelForm):
    """Text areas without a length of their own get MAX_TEXT."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and field.max_length is None:
                field.max_length = MAX_TEXT
                field.validators.append(MaxLengthValidator(MAX_TEXT))
                field.widget.attrs.setdefault("rows", 6)

    def values(self) -> dict:
        """The cleaned values of the model's fields, for a service."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CouncilForm(CouncilsForm):
    class Meta:
        model = Council
        fields = ["name", "kind", "mandate"]


class CouncilMemberForm(CouncilsForm):
    class Meta:
        model = CouncilMember
        fields = [
            "person_name",
            "role",
            "organisation",
            "organisation_name",
            "email",
            "from_date",
            "to_date",
        ]
        widgets = {"from_date": DATE, "to_date": DATE}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("– not in the list –")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", _("The membership cannot end before it starts."))
        organisation, name = cleaned.get("organisation"), cleaned.get("organisation_name")
        if "organisation" in cleaned and "organisation_name" in cleaned:
            if organisation is None and not name:
                self.add_error(
                    "organisation",
                    _("Choose the organisation, or write its name if it is not in the list."),
                )
            elif organisation is not None and name:
                self.add_error(
                    "organisation_name",
                    _("Choose the organisation from the list or write its name, not both."),
                )
        return cleaned


class MeetingForm(CouncilsForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "agenda", "minutes"]
        widgets = {"held_on": DATE}


class DecisionForm(CouncilsForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CoordinationFunctionForm(CouncilsForm):
    class Meta:
        model = CoordinationFunction
        fields = ["name", "contact_email", "contact_phone", "since"]
        widgets = {"since": DATE}
