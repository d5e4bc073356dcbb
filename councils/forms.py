from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from councils import signing
from councils.cache import NEAR
from councils.dates import DATE_INPUT, DateField
from councils.models import CoordinationFunction, Council, CouncilMember, Decision, Meeting
from councils.validators import single_line

# --- the kit every project form is built from ---------------------------------------

#: The longest text any text area accepts: generous for a real lägesbild or minutes, bounded.
MAX_TEXT = 20_000

#: The height of a text area that does not ask for its own.
TEXT_ROWS = 6

#: Django's own strings that its Swedish catalogue lacks (Django 6.1's blank choice of
#: every select). Named here so ``makemessages`` keeps them in our catalogue, which
#: comes first (LOCALE_PATHS) and gives them their Swedish.
DJANGO_STRINGS_WITHOUT_SWEDISH = (gettext_noop("- Select an option -"),)


def bound_text_areas(form: forms.BaseForm) -> None:
    """Every text area of ``form``: at most MAX_TEXT characters (unless its field has a
    length of its own), said to the browser with ``maxlength``, TEXT_ROWS rows high
    (unless its widget asks for other rows)."""
    for field in form.fields.values():
        if not isinstance(field.widget, forms.Textarea):
            continue
        if getattr(field, "max_length", None) is None:
            field.max_length = MAX_TEXT
            field.validators.append(MaxLengthValidator(MAX_TEXT))
        field.widget.attrs["maxlength"] = str(field.max_length)
        field.widget.attrs.setdefault("rows", TEXT_ROWS)


def refuse_line_breaks(form: forms.BaseForm) -> None:
    """Every single-line text field of ``form`` (not a text area, a password, an e-mail
    address or a web address, which check themselves) refuses line breaks and other
    control characters (``councils.validators.single_line``), also where the form
    feeds no model field."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field, forms.EmailField | forms.URLField)
            and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
            and single_line not in field.validators
        ):
            field.validators.append(single_line)


class BoundedTextAreas:
    """Mixin of every project form: its text areas are bounded (``bound_text_areas``),
    its single-line fields hold one line (``refuse_line_breaks``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text_areas(self)
        refuse_line_breaks(self)


class BoundedForm(BoundedTextAreas, forms.Form):
    """The base of the project's plain forms."""


class BoundedModelForm(BoundedTextAreas, forms.ModelForm):
    """The base of the project's model forms without a version."""


class RenderedForm:
    """An unbound form as ``{{ form }}`` shows it, rendered already; it has no errors
    (the error summary shows nothing)."""

    errors: dict = {}

    def __init__(self, html: str) -> None:
        self.html = mark_safe(html)  # noqa: S308 (rendered by our form templates)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _made_of(value: object) -> str:
    """``value`` as a key's part: a saved object by its model, id and version (a model
    without a version has nothing to say it changed: refused), a list by its items."""
    if isinstance(value, models.Model):
        if not hasattr(value, "version"):
            raise TypeError(f"{type(value).__name__} has no version to key a rendered form by")
        return f"{value._meta.label}#{value.pk}@{value.version}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_made_of(item) for item in value) + "]"
    return repr(value)


def rendered_unbound(form_class: type[forms.BaseForm], **kwargs: object) -> RenderedForm:
    """``form_class(**kwargs)``, unbound, rendered once per process for the language and
    ``kwargs`` (``councils.cache.NEAR``): for a page that shows everyone the same empty
    form, whose choices and initial values ``kwargs`` make (the day, a saved object at
    its version, dates). A select's options cost a template each."""
    made_of = ":".join(f"{name}={_made_of(value)}" for name, value in sorted(kwargs.items()))
    name = f"{form_class.__module__}.{form_class.__qualname__}"
    key = f"unbound-form:{name}:{get_language()}:{made_of}"
    html = NEAR.get(key)
    if html is None:
        html = str(form_class(**kwargs))
        NEAR.set(key, html, size=len(html))
    return RenderedForm(html)


def check_period_order(
    form: forms.BaseForm, start: str, end: str, message, *, same_day: bool = True
) -> None:
    """In ``clean()``: ``message`` at ``end`` when the period ends before it starts (or,
    with ``same_day=False``, on the day it starts). Nothing while either is missing."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and (last < first or (last == first and not same_day)):
        form.add_error(end, message)


class SignForm(BoundedForm):
    """One party's signature on a signed document (``councils.signing``)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = DateField(label=_("Signing date"))

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        signing.check_signed_on(signed_on)
        return signed_on


class LoginForm(BoundedTextAreas, AuthenticationForm):
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


class VersionedModelForm(BoundedModelForm):
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


class CouncilsForm(VersionedModelForm):
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
        widgets = {"from_date": DATE_INPUT, "to_date": DATE_INPUT}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("– not in the list –")

    def clean(self):
        cleaned = super().clean()
        check_period_order(
            self, "from_date", "to_date", _("The membership cannot end before it starts.")
        )
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
        widgets = {"held_on": DATE_INPUT}


class DecisionForm(CouncilsForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CoordinationFunctionForm(CouncilsForm):
    class Meta:
        model = CoordinationFunction
        fields = ["name", "contact_email", "contact_phone", "since"]
        widgets = {"since": DATE_INPUT}


# --- The account ------------------------------------------------------------------


class EmailAddressForm(BoundedForm):
    """The user's own e-mail address."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# --- Two-factor authentication ------------------------------------------------------


class TokenForm(BoundedForm):
    """The six-digit code an authenticator app shows."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the six digits the app shows, e.g. 123456."))
        return token


class TwoFactorRequiredForm(BoundedForm):
    required = forms.BooleanField(
        label=_("Members must use two-factor authentication"), required=False
    )
