"""Tokens for the API tests: ``bearer(user, scope=…, organisation=…)`` -> headers."""

from __future__ import annotations

import datetime as dt

import pytest

from api import tokens
from councils import dates
from pledges.models import Pledge
from tests import factories as f


@pytest.fixture
def bearer(db):
    def make(user, scope: str = "write", organisation=None, name: str = "Stratsys") -> dict:
        made = tokens.create(user=user, name=name, scope=scope, organisation=organisation)
        return {"Authorization": f"Bearer {made.secret}"}

    return make


def this_year() -> tuple[dt.date, dt.date]:
    year = dates.today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@pytest.fixture
def draft(home):
    start, end = this_year()
    return f.PledgeFactory(municipality=home, period_start=start, period_end=end)


@pytest.fixture
def published(home):
    start, end = this_year()
    return f.PledgeFactory(
        municipality=home, period_start=start, period_end=end, status=Pledge.Status.PUBLISHED
    )


@pytest.fixture
def activity(published):
    start, end = this_year()
    return f.ActivityFactory(pledge=published, start_date=start, end_date=end, next_follow_up=None)
