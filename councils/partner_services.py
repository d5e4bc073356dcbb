"""Writes of partner organisations: their partnerships with municipalities and the
invitations of people into them. Keyword-only, atomic, with the actor; each checks
its rule again (``councils.access``) whatever the view did."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from councils import access, background, dates
from councils.access import Capability
from councils.concurrency import bump, lock_at_version, save_tracked, save_versioned
from councils.models import Municipality, Organisation, User
from councils.partner_kinds import PartnerKind
from councils.partner_mail import send_invitation
from councils.partners import INVITATION_DAYS, INVITED_ROLES, SALT, Invitation, Partnership
from councils.services import membership_grant

# --- partnerships ------------------------------------------------------------------------


@transaction.atomic
def partner_create(
    *, user: User, municipality: Municipality, name: str, partner_kind: str
) -> Partnership:
    """A new partner organisation, in partnership with ``municipality`` from today."""
    access.require(user, Capability.EDIT, municipality)
    name = " ".join(name.split())
    if partner_kind not in PartnerKind.values:
        raise ValidationError({"partner_kind": _("Choose the kind of partner.")})
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("An organisation of that name exists: choose it from the list instead.")}
        )
    organisation = Organisation(
        name=name, kind=Organisation.Kind.PARTNER, partner_kind=partner_kind
    )
    organisation.full_clean()
    save_tracked(organisation, user=user)
    return partnership_start(user=user, municipality=municipality, organisation=organisation)


@transaction.atomic
def partnership_start(
    *, user: User, municipality: Municipality, organisation: Organisation
) -> Partnership:
    """``organisation`` (a partner) works with ``municipality`` from today."""
    access.require(user, Capability.EDIT, municipality)
    if organisation.kind != Organisation.Kind.PARTNER:
        raise ValidationError({"organisation": _("Only a partner organisation can be a partner.")})
    partnership = Partnership(
        organisation=organisation, municipality=municipality, started_on=dates.today()
    )
    try:
        with transaction.atomic():
            save_versioned(partnership, expected_version=None, user=user)
    except IntegrityError as error:
        raise ValidationError(
            {"organisation": _("The organisation already works with the municipality.")}
        ) from error
    return partnership


@transaction.atomic
def partnership_end(
    *, user: User, partnership: Partnership, expected_version: int | None
) -> Partnership:
    """End the partnership today: its members lose what it gave them at once, and its
    open invitations are withdrawn. The row stays, as history."""
    access.require(user, Capability.EDIT, partnership.municipality_id)
    current = lock_at_version(partnership, expected_version)
    if current.ended_on is not None:
        raise ValidationError(_("The partnership has already ended."))
    current.ended_on = dates.today()
    bump(current, user=user, update_fields=["ended_on"])
    for invitation in _open_invitations().filter(
        organisation_id=current.organisation_id, municipality_id=current.municipality_id
    ):
        invitation.withdrawn_at = dates.now()
        bump(invitation, user=user, update_fields=["withdrawn_at"])
    return current


# --- invitations ---------------------------------------------------------------------------


def _open_invitations():
    return Invitation.objects.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=dates.now()
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for a link not ours."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Invitation.objects.select_related("organisation", "municipality")
        .filter(pk=pk, nonce=nonce)
        .first()
    )


@transaction.atomic
def invitation_create(*, user: User, partnership: Partnership, email: str, role: str) -> Invitation:
    """Invite ``email`` into the partnership's organisation with ``role``: the link is sent
    by e-mail, opens for INVITATION_DAYS days and once."""
    if not access.partners_for(user, partnership.municipality_id).filter(pk=partnership.pk):
        raise PermissionDenied
    if not partnership.is_active:
        raise ValidationError(_("The partnership has ended: nobody can be invited into it."))
    if role not in INVITED_ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    email = email.strip()
    now = dates.now()
    invitation = Invitation(
        organisation_id=partnership.organisation_id,
        municipality_id=partnership.municipality_id,
        email=email,
        role=role,
        nonce=secrets.token_urlsafe(32),
        invited_by=user,
        sent_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    save_versioned(invitation, expected_version=None, user=user)
    background.enqueue(send_invitation, invitation.pk)
    return invitation


@transaction.atomic
def invitation_withdraw(
    *, user: User, invitation: Invitation, expected_version: int | None
) -> Invitation:
    """Withdraw an invitation not yet accepted: its link opens no more."""
    partnerships = access.partners_for(user, invitation.municipality_id)
    if not partnerships.filter(organisation_id=invitation.organisation_id).exists():
        raise PermissionDenied
    current = lock_at_version(invitation, expected_version)
    if current.accepted_at is not None:
        raise ValidationError(_("The invitation has been accepted: it cannot be withdrawn."))
    if current.withdrawn_at is None:
        current.withdrawn_at = dates.now()
        bump(current, user=user, update_fields=["withdrawn_at"])
    return current


def check_open(invitation: Invitation) -> None:
    status = invitation.status_at(dates.now())
    if status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("The invitation has already been used."))
    if status == Invitation.Status.WITHDRAWN:
        raise ValidationError(_("The invitation has been withdrawn."))
    if status == Invitation.Status.EXPIRED:
        raise ValidationError(_("The invitation has expired. Ask for a new one."))
    partnered = Partnership.objects.active().filter(
        organisation_id=invitation.organisation_id, municipality_id=invitation.municipality_id
    )
    if not partnered.exists():
        raise ValidationError(_("The partnership has ended."))


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Use the invitation, once: ``user`` (signed in with the invited address) takes the
    role; without one, a new account for the invited address with ``password``."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_open(current)
    if user is not None and user.is_authenticated:
        if user.email.strip().casefold() != current.email.strip().casefold():
            raise ValidationError(
                _("The invitation is for %(email)s: log in with that address.")
                % {"email": current.email}
            )
    else:
        if User.objects.filter(username__iexact=current.email).exists():
            raise ValidationError(
                _("There is an account for %(email)s: log in first, then open the link again.")
                % {"email": current.email}
            )
        user = User(
            username=current.email,
            email=current.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from error
        user.set_password(password)
        save_tracked(user, user=user)
    membership_grant(user=user, organisation=current.organisation, role=current.role)
    current.accepted_at = dates.now()
    current.accepted_by = user
    bump(current, user=user, update_fields=["accepted_at", "accepted_by"])
    return user
