"""EST's test data: places of Hemby, a police reporter of another local police area
that also covers Hemby (REPORT and PICTURE without INTERNAL, as a partner will have),
and a frozen Wednesday."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from councils import access
from councils.models import Organisation, Role
from est.models import Category, Place
from est.usual import put_usual_categories
from tests import factories as f

STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: a Wednesday
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=STOCKHOLM), tick=False):
        yield


@pytest.fixture
def places(home):
    return [
        Place.objects.create(municipality=home, name="Stortorget", area="Centrum"),
        Place.objects.create(
            municipality=home,
            name="Bäckvägen 4",
            area="Gottsunda",
            kind="stairwell",
            vulnerable=True,
        ),
    ]


@pytest.fixture
def away_place(away):
    return Place.objects.create(municipality=away, name="Borta torg", area="Borta")


@pytest.fixture
def klotter(db):
    return put_usual_categories(Category)["klotter"]


@pytest.fixture
def brand(db):
    return put_usual_categories(Category)["anlagd-brand"]


@pytest.fixture
def reporter(monkeypatch, region, home):
    """A reporter of another organisation in Hemby, who may report and see the counts but
    not the municipality's internal records (a partner's rights, before partners exist)."""
    monkeypatch.setitem(
        access.GRANTS,
        (Organisation.Kind.POLICE_AREA, Role.READER),
        frozenset({access.READ, access.REPORT, access.PICTURE}),
    )
    area = f.LocalPoliceAreaFactory(
        name="Bevakningsområde Hemby", police_region=region, municipalities=[home]
    )
    org = f.OrganisationFactory(
        name="Hemby Bevakning",
        kind=Organisation.Kind.POLICE_AREA,
        municipality=None,
        local_police_area=area,
    )
    user = f.UserFactory(username="reporter")
    f.MembershipFactory(user=user, organisation=org, role=Role.READER)
    return user
