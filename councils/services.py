"""Writes that matter for geography, organisations, memberships, councils and meetings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils import access, addresses, two_factor
from councils.access import Capability
from councils.concurrency import (
    Conflict,
    Versioned,
    delete_tracked,
    delete_versioned,
    lock_at_version,
    save_tracked,
    save_versioned,
)
from councils.models import (
    ROLES_BY_KIND,
    CoordinationFunction,
    Council,
    CouncilMember,
    County,
    Decision,
    LocalPoliceArea,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    PoliceRegion,
    User,
)
from councils.selectors import member_organisations

# --- Users and their sessions ---------------------------------------------------------


def sessions_end(*, user: User, matching: Callable[[dict], bool] | None = None) -> int:
    """Delete every unexpired session in which ``user`` is signed in (and, given
    ``matching``, whose data it accepts: a provider's single logout ends only the sessions
    that came through it); the number ended.

    Django already refuses a session of an inactive user (ModelBackend.get_user); deleting
    the rows also ends them for a user who is active again later. Reads the live sessions
    once: an administrator's action, not a page.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if (data := session.get_decoded()).get("_auth_user_id") == str(user.pk)
        and (matching is None or matching(data))
    ]
    # through the session engine: a cached session (cached_db) leaves the cache too
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """The user can no longer log in, and every session they have ends now."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions_end(user=user)
    return user


@transaction.atomic
def user_email_change(*, user: User, email: str) -> User:
    """The user's own new e-mail address; a failing old one no longer matters
    (``councils.addresses``: the record is of the address that failed)."""
    user.email = email
    user.save(update_fields=["email"])
    if user.email_failed_address and not user.email_failing:
        addresses.address_cleared(user=user)
    return user


def user_email_works(*, user: User) -> None:
    """The user says their failing address works again: e-mail is sent to it again."""
    addresses.address_cleared(user=user)


# --- Two-factor authentication -----------------------------------------------------


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The device the user is setting up: the one begun earlier, or a new one."""
    device = two_factor.pending_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Samverkan", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """The user proves their app shows the codes; the device then guards their login."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise ValidationError({"token": _("The code is wrong or too old. Try the newest one.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_device_remove(*, user: User) -> None:
    if two_factor.required_for(user):
        raise ValidationError(
            _("Your organisation requires two-factor authentication: it cannot be turned off.")
        )
    TOTPDevice.objects.filter(user=user).delete()


@transaction.atomic
def organisation_set_two_factor_required(
    *, user: User, organisation: Organisation, required: bool
) -> Organisation:
    """An organisation administrator (or a superuser) decides for every member; members
    without a device are asked to set one up at their next login."""
    if not access.can_manage_members(user, organisation):
        raise PermissionDenied
    organisation.two_factor_required = required
    save_tracked(organisation, user=user, update_fields=["two_factor_required"])
    return organisation


@transaction.atomic
def organisation_ensure_for_municipality(*, municipality: Municipality) -> Organisation:
    """The municipality's own organisation ("Uppsala kommun"), created when missing."""
    organisation, _created = Organisation.objects.get_or_create(
        municipality=municipality,
        defaults={"name": municipality.official_name, "kind": Organisation.Kind.MUNICIPALITY},
    )
    return organisation


@transaction.atomic
def organisation_ensure_for_county(*, county: County) -> Organisation:
    """The county administrative board ("Länsstyrelsen i Uppsala län"), created when missing."""
    organisation, _created = Organisation.objects.get_or_create(
        county=county,
        defaults={"name": f"Länsstyrelsen i {county.name}", "kind": Organisation.Kind.COUNTY_BOARD},
    )
    return organisation


@transaction.atomic
def local_police_area_ensure(
    *, name: str, police_region: PoliceRegion, municipalities: list[Municipality]
) -> LocalPoliceArea:
    """A local police area with exactly these municipalities, and its organisation."""
    area, _created = LocalPoliceArea.objects.get_or_create(name=name, police_region=police_region)
    area.municipalities.set(municipalities)
    Organisation.objects.get_or_create(
        local_police_area=area,
        defaults={"name": name, "kind": Organisation.Kind.POLICE_AREA},
    )
    return area


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role in ``organisation``; the role must exist in its kind."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError(
            _("The role %(role)s does not exist in a %(kind)s.")
            % {"role": role, "kind": organisation.get_kind_display()}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership


# --- Councils, members, meetings, decisions, the coordination function --------------
#
# Views look the record up through councils.access first (and answer 404); each
# service checks EDIT again, so no other caller can skip the rule. Updates save
# through save_versioned, deletes through delete_versioned; both raise
# concurrency.Conflict on a stale or missing version.


def _apply(instance: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field(s) {sorted(unknown)}")
    for name, value in changes.items():
        setattr(instance, name, value)


def _save(instance: Versioned, *, user: User, expected_version: int | None) -> None:
    instance.full_clean()
    save_versioned(instance, expected_version=expected_version, user=user)


def _edited(
    instance: Versioned, *, user: User, expected_version: int | None, changes: dict[str, Any]
) -> Any:
    """Save ``instance`` (new when ``expected_version`` is None) with ``changes`` to the
    fields its model lets be edited, after the model's check (``_EDITABLE``): for a user
    who may edit in its municipality."""
    allowed, check = _EDITABLE[type(instance)]
    access.require(user, Capability.EDIT, instance.scope_municipality_id)
    _apply(instance, changes, allowed)
    if check is not None:
        check(instance)
    _save(instance, user=user, expected_version=expected_version)
    return instance


def _deleted(instance: Versioned, *, user: User, expected_version: int | None) -> None:
    """Delete ``instance`` at ``expected_version``, for a user who may edit in its
    municipality."""
    access.require(user, Capability.EDIT, instance.scope_municipality_id)
    delete_versioned(instance, expected_version=expected_version, user=user)


COUNCIL_FIELDS = ("kind", "name", "mandate")
MEMBER_FIELDS = (
    "organisation",
    "organisation_name",
    "person_name",
    "role",
    "email",
    "from_date",
    "to_date",
)
MEETING_FIELDS = ("held_on", "agenda", "minutes")
DECISION_FIELDS = ("text",)
COORDINATION_FIELDS = ("name", "contact_email", "contact_phone", "since")


def _check_member_organisation(member: CouncilMember) -> None:
    """A member sits for an organisation around the council's municipality (or a partner)."""
    if member.organisation_id is None:
        return
    municipality = member.council.municipality
    if not member_organisations(municipality).filter(pk=member.organisation_id).exists():
        raise ValidationError(
            {
                "organisation": _("Choose an organisation that works in %(name)s.")
                % {"name": municipality.name}
            }
        )


def _check_council_name(council: Council) -> None:
    taken = Council.objects.filter(municipality_id=council.municipality_id, name=council.name)
    if taken.exclude(pk=council.pk).exists():
        raise ValidationError(
            {"name": _("The municipality already has a council by that name.")}, code="unique"
        )


#: what a user may edit on each model (through ``_edited``) and the check after it
_EDITABLE: dict[type[Versioned], tuple[Iterable[str], Callable[[Any], None] | None]] = {
    Council: (COUNCIL_FIELDS, _check_council_name),
    CouncilMember: (MEMBER_FIELDS, _check_member_organisation),
    Meeting: (MEETING_FIELDS, None),
    Decision: (DECISION_FIELDS, None),
}


@transaction.atomic
def council_create(*, user: User, municipality: Municipality, **fields: Any) -> Council:
    """A new council of ``municipality`` with ``fields`` (those of ``COUNCIL_FIELDS``;
    the name is required)."""
    return _edited(
        Council(municipality=municipality), user=user, expected_version=None, changes=fields
    )


@transaction.atomic
def council_update(
    *, user: User, council: Council, expected_version: int | None, **changes: Any
) -> Council:
    """Save ``council`` (with ``changes``, or the values a form has set on it)."""
    return _edited(council, user=user, expected_version=expected_version, changes=changes)


@transaction.atomic
def council_delete(*, user: User, council: Council, expected_version: int | None) -> None:
    """Delete a council and its members. A council that has met keeps its record:
    its meetings must be deleted first."""
    access.require(user, Capability.EDIT, council.municipality_id)
    if council.meetings.exists():
        raise ValidationError(
            _("The council has meetings on record. Delete its meetings first, if they are wrong.")
        )
    lock_at_version(council, expected_version)
    for member in council.members.all():
        delete_tracked(member, user=user)
    delete_tracked(council, user=user)


@transaction.atomic
def council_member_create(*, user: User, council: Council, **fields: Any) -> CouncilMember:
    """A new member of ``council`` with ``fields`` (those of ``MEMBER_FIELDS``; the
    name and the first day are required)."""
    return _edited(CouncilMember(council=council), user=user, expected_version=None, changes=fields)


@transaction.atomic
def council_member_update(
    *, user: User, member: CouncilMember, expected_version: int | None, **changes: Any
) -> CouncilMember:
    return _edited(member, user=user, expected_version=expected_version, changes=changes)


@transaction.atomic
def council_member_delete(
    *, user: User, member: CouncilMember, expected_version: int | None
) -> None:
    _deleted(member, user=user, expected_version=expected_version)


@transaction.atomic
def meeting_create(
    *, user: User, council: Council, held_on: date, agenda: str = "", minutes: str = ""
) -> Meeting:
    access.require(user, Capability.EDIT, council.municipality_id)
    meeting = Meeting(council=council, held_on=held_on, agenda=agenda, minutes=minutes)
    _save(meeting, user=user, expected_version=None)
    return meeting


@transaction.atomic
def meeting_update(
    *, user: User, meeting: Meeting, expected_version: int | None, **changes: Any
) -> Meeting:
    return _edited(meeting, user=user, expected_version=expected_version, changes=changes)


@transaction.atomic
def meeting_delete(*, user: User, meeting: Meeting, expected_version: int | None) -> None:
    """Delete a meeting and its decisions (each keeps its history)."""
    access.require(user, Capability.EDIT, meeting.council.municipality_id)
    lock_at_version(meeting, expected_version)
    for decision in meeting.decisions.all():
        delete_tracked(decision, user=user)
    delete_tracked(meeting, user=user)


@transaction.atomic
def decision_create(*, user: User, meeting: Meeting, text: str) -> Decision:
    """Record a decision of ``meeting``; it is numbered after the meeting's last one."""
    access.require(user, Capability.EDIT, meeting.council.municipality_id)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # numbers one at a time
    last = meeting.decisions.aggregate(last=Max("order"))["last"] or 0
    decision = Decision(meeting=meeting, text=text, order=last + 1)
    _save(decision, user=user, expected_version=None)
    return decision


@transaction.atomic
def decision_update(
    *, user: User, decision: Decision, expected_version: int | None, **changes: Any
) -> Decision:
    return _edited(decision, user=user, expected_version=expected_version, changes=changes)


@transaction.atomic
def decision_delete(*, user: User, decision: Decision, expected_version: int | None) -> None:
    _deleted(decision, user=user, expected_version=expected_version)


@transaction.atomic
def coordination_function_set(
    *,
    user: User,
    municipality: Municipality,
    expected_version: int | None,
    name: str,
    contact_email: str,
    since: date,
    contact_phone: str = "",
) -> CoordinationFunction:
    """Name the municipality's coordination function, or change it.

    ``expected_version`` is None when the user saw none named; if someone named one in
    the meantime, that is a Conflict like any other stale save.
    """
    access.require(user, Capability.EDIT, municipality.pk)
    function = CoordinationFunction.objects.filter(
        municipality=municipality
    ).first() or CoordinationFunction(municipality=municipality)
    _apply(
        function,
        {
            "name": name,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "since": since,
        },
        COORDINATION_FIELDS,
    )
    if function.pk is None and expected_version is not None:
        expected_version = None  # a create: there is no stored version to compare with
    try:
        with transaction.atomic():
            _save(function, user=user, expected_version=expected_version)
    except IntegrityError:
        # Two people named the first one at the same moment: the other one won.
        raise Conflict(CoordinationFunction.objects.get(municipality=municipality)) from None
    return function
