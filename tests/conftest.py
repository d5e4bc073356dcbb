"""Fixtures every test module shares.

The cast (after healthchecks' alice, bob and charlie):

- ``owner``: coordinator of the municipality ``home`` (Hemby kommun).
- ``colleague``: a reader in the same municipality organisation.
- ``outsider``: coordinator of another municipality (Bortby) in another county.
- ``liaison``: police liaison of the local police area that covers ``home``.
- ``county_officer``: officer at the county board of ``home``'s county.
- ``national_reader``: reader at Brå.
"""

from __future__ import annotations

import copy
import os
import time
import uuid
from types import SimpleNamespace

import pytest
from django.utils import translation

from councils.cache import NEAR
from councils.models import Organisation, Role
from tests import factories as f

# Playwright's sync API runs an event loop in the test thread; the tests touch
# the database from that same thread only between browser calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """A run with a moved clock (scripts/test-at.sh) proves the clock really moved."""
    moment = os.environ.get("TEST_CLOCK_MOMENT")
    if moment and abs(time.time() - int(moment)) > 15 * 60:
        raise pytest.UsageError(
            f"TEST_CLOCK_MOMENT={moment}, but this process's clock reads {time.time():.0f}: "
            "the clock was not moved (tests/clock/sitecustomize.py)."
        )


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test caches under its own key prefix: nothing one test caches reaches another
    (Redis outlives the test database, and ids repeat after a rollback on SQLite)."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = uuid.uuid4().hex
    settings.CACHES = caches
    NEAR.clear()  # the process's own copies (their keys carry the prefix: cleared for memory)


@pytest.fixture(autouse=True)
def _site_language(settings):
    """Each test begins in the site's language: the language middleware activates a
    request's language for the thread and leaves it there, so a test whose last request
    was in English would otherwise hand English to the next test in the process."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def region(db):
    return f.PoliceRegionFactory(name="Testregion")


@pytest.fixture
def home_county(region):
    return f.CountyFactory(code="91", letter_code="HH", name="Hemlän", police_region=region)


@pytest.fixture
def other_county(region):
    return f.CountyFactory(code="92", letter_code="BB", name="Bortlän", police_region=region)


@pytest.fixture
def home(home_county):
    return f.MunicipalityFactory(code="9101", name="Hemby", county=home_county)


@pytest.fixture
def neighbour(home_county):
    """Another municipality in the same county and local police area as ``home``."""
    return f.MunicipalityFactory(code="9102", name="Grannby", county=home_county)


@pytest.fixture
def away(other_county):
    return f.MunicipalityFactory(code="9201", name="Bortby", county=other_county)


@pytest.fixture
def home_org(home):
    return f.OrganisationFactory(name="Hemby kommun", municipality=home)


@pytest.fixture
def away_org(away):
    return f.OrganisationFactory(name="Bortby kommun", municipality=away)


@pytest.fixture
def police_area(region, home, neighbour):
    return f.LocalPoliceAreaFactory(
        name="Lokalpolisområde Hemby", police_region=region, municipalities=[home, neighbour]
    )


@pytest.fixture
def police_org(police_area):
    return f.OrganisationFactory(
        name="Lokalpolisområde Hemby",
        kind=Organisation.Kind.POLICE_AREA,
        municipality=None,
        local_police_area=police_area,
    )


@pytest.fixture
def county_board(home_county):
    return f.OrganisationFactory(
        name="Länsstyrelsen i Hemlän",
        kind=Organisation.Kind.COUNTY_BOARD,
        municipality=None,
        county=home_county,
    )


@pytest.fixture
def national_org(db):
    return f.OrganisationFactory(
        name="Brottsförebyggande rådet", kind=Organisation.Kind.NATIONAL, municipality=None
    )


def _member(username: str, organisation, role: str):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def owner(home_org):
    return _member("owner", home_org, Role.COORDINATOR)


@pytest.fixture
def colleague(home_org):
    return _member("colleague", home_org, Role.READER)


@pytest.fixture
def outsider(away_org):
    return _member("outsider", away_org, Role.COORDINATOR)


@pytest.fixture
def liaison(police_org):
    return _member("liaison", police_org, Role.POLICE_LIAISON)


@pytest.fixture
def county_officer(county_board):
    return _member("county_officer", county_board, Role.COUNTY_OFFICER)


@pytest.fixture
def national_reader(national_org):
    return _member("national_reader", national_org, Role.READER)


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def client_of(client):
    """``client_of(user)``: the test client, logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash many passwords; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(
    owner, colleague, outsider, liaison, county_officer, national_reader, home, home_org, away
):
    """Everyone at once, for the gates that walk every URL (isolation, security headers)."""
    return SimpleNamespace(
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        liaison=liaison,
        county_officer=county_officer,
        national_reader=national_reader,
        home=home,
        home_org=home_org,
        away=away,
    )


# Partner organisations and their people (housing, school, contact, reporter …).
from tests.partner_fixtures import *  # noqa: E402, F403


@pytest.fixture
def eager_tasks():
    """Queued tasks run at once, in the test's process, whatever REDIS_URL says: with
    Redis (CI) ``background.enqueue`` would otherwise leave them in the broker for a
    worker no test started."""
    from config.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved
