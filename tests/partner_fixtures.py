"""Partner organisations for the tests: a housing company partnered with ``home``
(``housing``, its reporter, contact and administrator), another partner of ``home``
(``school``, with its contact) and a partner of ``away`` (``away_partner``, with its
contact). Import the fixtures a module uses from here."""

from __future__ import annotations

import datetime as dt

import pytest

from councils.models import Organisation, Role
from councils.partner_kinds import PartnerKind
from councils.partners import Partnership
from tests import factories as f

START = dt.date(2026, 1, 1)


def partner(name: str, kind: str, *municipalities) -> Organisation:
    organisation = f.OrganisationFactory(name=name, partner=True, partner_kind=kind)
    for municipality in municipalities:
        Partnership.objects.create(
            organisation=organisation, municipality=municipality, started_on=START
        )
    return organisation


def member(username: str, organisation: Organisation, role: str):
    user = f.UserFactory(username=username, email=f"{username}@example.se")
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
