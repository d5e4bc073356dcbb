"""A draft agreement and a pledge ready to be shared with the police, and the moment
they are shared: 12 March 2026 at 10.14 in Stockholm."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from agreements import services as agreement_services
from pledges import services as pledge_services
from tests import factories as f
from tests.agreements.conftest import current_picture, draft  # noqa: F401

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SHARED_AT = dt.datetime(2026, 3, 12, 10, 14, tzinfo=STOCKHOLM)
#: how the document and its history say it
SHARED_TEXT = "Delad med Lokalpolisområde Hemby 12 mars 2026 kl. 10.14"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def clock():
    """The day before the sharing; ``share`` moves to its moment and an hour on, so
    every record's history runs in order."""
    with time_machine.travel(SHARED_AT - dt.timedelta(days=1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def share(clock):
    def share(action, **kwargs):
        clock.move_to(SHARED_AT)
        shared = action(**kwargs)
        clock.move_to(SHARED_AT + dt.timedelta(hours=1))
        return shared

    return share


@pytest.fixture
def shared_agreement(share, draft, owner, liaison):  # noqa: F811
    """The draft sent for signature at ``SHARED_AT`` (``liaison`` brings the police
    area's organisation)."""
    return share(agreement_services.agreement_submit_for_signature, user=owner, agreement=draft)


@pytest.fixture
def pledge(home, police_area):
    pledge = f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        public_text="Vi lovar tryggare kvällar i centrum.",
    )
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring", order=1)
    return pledge


@pytest.fixture
def shared_pledge(share, pledge, owner, liaison):
    return share(pledge_services.pledge_submit, user=owner, pledge=pledge)
