"""Single sign-on: identity providers per organisation (OpenID Connect and SAML 2.0), the
rules that turn their groups into roles, and the links between their subjects and our users.

The sign-in itself is in ``sso.oidc`` and ``sso.saml``; what a sign-in grants in
``sso.services``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils import dates, formats
from councils import history as history_log
from councils.models import ROLES_BY_KIND, Membership, Organisation, Role
from councils.validators import single_line


class SignInPolicy(models.Model):
    """How the members of one organisation sign in."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="sign_in_policy",
    )
    local_passwords_allowed = models.BooleanField(
        _("local passwords allowed"),
        default=True,
        help_text=_(
            "Members may also log in with a username and password of their own here. "
            "Turn off when everyone signs in through the organisation's identity provider."
        ),
    )
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text=_(
            "The organisation's e-mail domains, separated by spaces (e.g. uppsala.se): a user "
            "who types an address in one of them is sent to the organisation's provider."
        ),
    )
    contact = models.CharField(
        _("whom to ask for access"),
        max_length=300,
        blank=True,
        validators=[single_line],
        help_text=_("Shown to a person the identity provider knows but no rule gives a role."),
    )
    history = history_log.tracked()

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def scope_municipality_id(self) -> int | None:
        return self.organisation.municipality_id

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split() if d.strip()]


class Provider(models.Model):
    """An identity provider of one organisation."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="identity_providers",
    )
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("The button reads “Log in with <name>”; the organisation's name if empty."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # --- OpenID Connect
    issuer = models.URLField(
        _("issuer"),
        max_length=500,
        blank=True,
        help_text=_("OpenID Connect: the issuer; its discovery document is read from there."),
    )
    client_id = models.CharField(
        _("client id"), max_length=300, blank=True, validators=[single_line]
    )
    client_secret = models.CharField(
        _("client secret"),
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text=_("Or leave empty and give a file holding the secret below."),
    )
    client_secret_file = models.CharField(
        _("client secret file"), max_length=500, blank=True, validators=[single_line]
    )
    scopes = models.CharField(
        _("scopes"), max_length=300, default="openid profile email", validators=[single_line]
    )
    groups_claim = models.CharField(
        _("groups claim or attribute"),
        max_length=300,
        default="groups",
        validators=[single_line],
        help_text=_(
            "The ID token claim (OpenID Connect) or the attribute (SAML) that holds the "
            "user's groups or roles."
        ),
    )
    mfa_values = models.CharField(
        _("values that prove two factors"),
        max_length=1000,
        blank=True,
        default="mfa otp hwk swk",
        validators=[single_line],
        help_text=_(
            "Separated by spaces: amr or acr values (OpenID Connect) or AuthnContextClassRef "
            "values (SAML) that count as two-factor authentication."
        ),
    )
    # --- SAML 2.0
    metadata_url = models.URLField(_("IdP metadata URL"), max_length=500, blank=True)
    metadata_file = models.CharField(
        _("IdP metadata file"), max_length=500, blank=True, validators=[single_line]
    )
    sp_entity_id = models.CharField(
        _("our SP entity id"),
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text=_("Empty: the address of our SP metadata."),
    )
    key_file = models.CharField(
        _("our signing and encryption key file"),
        max_length=500,
        blank=True,
        validators=[single_line],
    )
    cert_file = models.CharField(
        _("our certificate file"), max_length=500, blank=True, validators=[single_line]
    )
    history = history_log.tracked()

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.label

    @property
    def scope_municipality_id(self) -> int | None:
        return self.organisation.municipality_id

    @property
    def label(self) -> str:
        return self.name or str(self.organisation)

    def clean(self) -> None:
        if self.protocol == self.Protocol.OIDC:
            missing = {
                "issuer": self.issuer,
                "client_id": self.client_id,
            }
            errors = {k: _("Required for OpenID Connect.") for k, v in missing.items() if not v}
            if not self.client_secret and not self.client_secret_file:
                errors["client_secret"] = _("Give the secret or the file that holds it.")
            if errors:
                raise ValidationError(errors)
        if self.protocol == self.Protocol.SAML and not (self.metadata_url or self.metadata_file):
            raise ValidationError({"metadata_url": _("Give the metadata URL or file.")})

    def secret(self) -> str:
        if self.client_secret_file:
            return Path(self.client_secret_file).read_text(encoding="utf-8").strip()
        return self.client_secret

    def accepts_mfa(self, values) -> bool:
        return bool(set(self.mfa_values.split()) & {str(v) for v in values})


class RoleRule(models.Model):
    """A group value from the organisation's provider that gives a role in it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="sso_role_rules",
    )
    value = models.CharField(
        _("group value"),
        max_length=300,
        validators=[single_line],
        help_text=_("A value of the groups claim or attribute, e.g. the group's object id."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    history = history_log.tracked()

    class Meta:
        ordering = ["organisation__name", "value"]
        verbose_name = _("role rule")
        verbose_name_plural = _("role rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "value", "role"], name="sso_rolerule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.get_role_display()}"

    @property
    def scope_municipality_id(self) -> int | None:
        return self.organisation.municipality_id

    def clean(self) -> None:
        if self.organisation_id and self.role not in ROLES_BY_KIND[self.organisation.kind]:
            raise ValidationError({"role": _("This role does not exist in the organisation.")})


class Identity(models.Model):
    """Our user behind a provider's stable subject: (issuer, sub) or a persistent NameID."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sso_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=500, validators=[single_line])
    subject = models.CharField(_("subject"), max_length=500, validators=[single_line])
    created_at = models.DateTimeField(_("created"), default=dates.now)

    class Meta:
        verbose_name = _("linked identity")
        verbose_name_plural = _("linked identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class ProvisionedMembership(models.Model):
    """Marks a membership as given by a provider's groups: updated at every sign-in."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="provisioned"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("membership from an identity provider")
        verbose_name_plural = _("memberships from identity providers")

    def __str__(self) -> str:
        return str(self.membership)


class SignIn(models.Model):
    """The audit trail of single sign-ons: who, through which provider, when, from where."""

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", _("signed in")
        NO_ACCESS = "no_access", _("no role")
        REFUSED = "refused", _("refused")
        SIGNED_OUT = "signed_out", _("logged out by the provider")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.SET_NULL, null=True
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True, validators=[single_line])
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    reason = models.CharField(_("reason"), max_length=300, blank=True, validators=[single_line])
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-ons")

    def __str__(self) -> str:
        return f"{formats.moment(self.at)} {self.subject} ({self.get_outcome_display()})"


class UsedAssertion(models.Model):
    """A SAML assertion id already accepted: a second use is a replay."""

    assertion_id = models.CharField(max_length=200, unique=True, validators=[single_line])
    not_on_or_after = models.DateTimeField()

    def __str__(self) -> str:
        return self.assertion_id
