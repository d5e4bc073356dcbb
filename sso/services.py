"""What a single sign-on grants: the user behind the provider's subject (created on the
first sign-in), the memberships the organisation's rules give for the user's groups, and
whether the user may use a local password at all."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from councils.models import ROLES_BY_KIND, Membership, Organisation
from councils.services import membership_grant
from sso.models import Identity, Provider, ProvisionedMembership, RoleRule, SignInPolicy


@dataclass(frozen=True)
class Profile:
    """What a provider says about the person who signed in."""

    issuer: str
    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)
    #: the provider says two factors were used, in a way the provider is set to accept
    mfa: bool = False


def _username(profile: Profile) -> str:
    User = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", profile.email or f"sso-{profile.subject}")[:140] or "sso"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base[:140]}-{n}"
    return candidate


def roles_for(organisation: Organisation, groups: Iterable[str]) -> set[str]:
    """The roles the organisation's rules give for ``groups`` (those its kind has)."""
    roles = RoleRule.objects.filter(organisation=organisation, value__in=list(groups))
    return set(roles.values_list("role", flat=True)) & ROLES_BY_KIND[organisation.kind]


@transaction.atomic
def sign_in(provider: Provider, profile: Profile):
    """The user for ``profile`` with memberships updated from the provider's groups.

    Linked by (issuer, subject) only: an e-mail address never links an existing account.
    Returns ``(user, has_access)``; a person no rule gives a role has no access.
    """
    User = get_user_model()
    identity = (
        Identity.objects.select_for_update()
        .filter(issuer=profile.issuer, subject=profile.subject)
        .select_related("user")
        .first()
    )
    if identity is None:
        user = User(
            username=_username(profile),
            email=profile.email[:254],
            first_name=profile.first_name[:150],
            last_name=profile.last_name[:150],
        )
        user.set_unusable_password()
        user.save()
        Identity.objects.create(user=user, issuer=profile.issuer, subject=profile.subject)
    else:
        user = identity.user
    organisation = provider.organisation
    wanted = roles_for(organisation, profile.groups)
    given = {
        p.membership.role: p.membership
        for p in ProvisionedMembership.objects.filter(
            membership__user=user, membership__organisation=organisation
        ).select_related("membership")
    }
    for role in given.keys() - wanted:
        given[role].delete()
    before = set(Membership.objects.filter(user=user).values_list("pk", flat=True))
    for role in wanted - given.keys():
        membership = membership_grant(user=user, organisation=organisation, role=role)
        if membership.pk not in before:  # a membership given by hand stays one
            ProvisionedMembership.objects.create(membership=membership, provider=provider)
    return user, user.is_active and user.memberships.exists()


def local_password_allowed(user) -> bool:
    """Whether ``user`` may log in with, reset or set a local password.

    Refused when one of the user's organisations has turned local passwords off; a user
    created by an identity provider needs the provider's organisation to allow them.
    """
    if user.is_superuser:
        return True
    organisations = Organisation.objects.filter(memberships__user=user)
    if SignInPolicy.objects.filter(
        organisation__in=organisations, local_passwords_allowed=False
    ).exists():
        return False
    if not user.sso_identities.exists():
        return True
    provider_orgs = Provider.objects.filter(issuer__in=user.sso_identities.values("issuer")).values(
        "organisation"
    ) | Provider.objects.filter(
        pk__in=ProvisionedMembership.objects.filter(membership__user=user).values("provider")
    ).values("organisation")
    return SignInPolicy.objects.filter(
        organisation__in=provider_orgs, local_passwords_allowed=True
    ).exists()


def provider_for_email(email: str) -> Provider | None:
    """The enabled provider of the organisation whose e-mail domain ``email`` is in."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for policy in SignInPolicy.objects.exclude(email_domains="").select_related("organisation"):
        if domain in policy.domains():
            return Provider.objects.filter(organisation=policy.organisation, enabled=True).first()
    return None


NO_PROVIDER = _("No organisation signs in with this e-mail domain here: log in with your password.")
