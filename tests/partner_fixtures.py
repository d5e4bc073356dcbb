"""Partner organisations for the tests: a housing company partnered with ``home``
(``housing``, its reporter, contact and administrator), another partner of ``home``
(``school``, with its contact) and a partner of ``away`` (``away_partner``, with its
contact). Import the fixtures a module uses from here."""

from __future__ import annotations

import datetime as dt

import pytest

from councils.models import Organisation, Role, User
from councils.partner_kinds import PartnerKind
from councils.partners import Partnership
from tests import factories as f

START = dt.date(2026, 1, 1)


def partner(name: str, kind: str, *municipalities) -> Organisation:
    """The partner organisation ``name`` with a partnership in each of ``municipalities``;
    asked twice (the gates set up every isolation case in one database), the same one."""
    organisation = Organisation.objects.filter(name=name).first() or f.OrganisationFactory(
        name=name, partner=True, partner_kind=kind
    )
    for municipality in municipalities:
        Partnership.objects.get_or_create(
            organisation=organisation, municipality=municipality, defaults={"started_on": START}
        )
    return organisation


def member(username: str, organisation: Organisation, role: str):
    """``username`` with ``role`` in ``organisation`` (the same user when asked again)."""
    user = User.objects.filter(username=username).first() or f.UserFactory(
        username=username, email=f"{username}@example.se"
    )
    if not user.memberships.filter(organisation=organisation, role=role).exists():
        f.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def housing(home):
    return partner("Hembybostäder AB", PartnerKind.HOUSING, home)


@pytest.fixture
def school(home):
    return partner("Hemby skola", PartnerKind.SCHOOL, home)


@pytest.fixture
def away_partner(away):
    return partner("Bortbyhem AB", PartnerKind.HOUSING, away)


@pytest.fixture
def reporter(housing):
    return member("reporter", housing, Role.REPORTER)


@pytest.fixture
def contact(housing):
    return member("contact", housing, Role.CONTACT)


@pytest.fixture
def partner_admin(housing):
    return member("partner_admin", housing, Role.ORG_ADMIN)


@pytest.fixture
def school_contact(school):
    return member("school_contact", school, Role.CONTACT)


@pytest.fixture
def away_contact(away_partner):
    return member("away_contact", away_partner, Role.CONTACT)
