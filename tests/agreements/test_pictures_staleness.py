"""When a current lägesbild needs review (``SituationalPicture.staleness``): its next
review date has passed, or, without one, it is older than LAGESBILD_STALE_MONTHS
calendar months (from its decision, or its period's end if undecided). And the
compliance panel on the municipality page says so in words.

The clock is frozen and every date is built from the frozen day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from agreements.models import SituationalPicture, Staleness
from councils import dates
from tests import factories as f

#: the frozen moment: 1 December 2026, 11:00 in Stockholm
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def today() -> dt.date:
    return dates.today()


def _picture(**fields) -> SituationalPicture:
    """An unsaved current lägesbild; the rule reads only its dates."""
    defaults = {
        "title": "Lägesbild",
        "period_start": dt.date(2024, 1, 1),
        "period_end": dt.date(2024, 12, 31),
        "decided_by": "Kommunstyrelsen",
        "is_current": True,
    }
    return SituationalPicture(**{**defaults, **fields})


# --- the rule ------------------------------------------------------------------------


def test_the_frozen_day_is_the_day_in_stockholm(today):
    assert today == dt.date(2026, 12, 1)


def test_stale_once_the_next_review_date_has_passed(today):
    review = today - dt.timedelta(days=1)
    stale = _picture(decided_on=today - dt.timedelta(days=30), next_review=review).staleness(today)
    assert stale == Staleness(Staleness.REVIEW_PASSED, review)
    assert review.isoformat() in stale.message


def test_not_stale_on_the_review_day_or_before_it(today):
    decided = today - dt.timedelta(days=30)
    assert _picture(decided_on=decided, next_review=today).staleness(today) is None
    tomorrow = today + dt.timedelta(days=1)
    assert _picture(decided_on=decided, next_review=tomorrow).staleness(today) is None


def test_a_review_date_in_the_future_wins_over_age(today):
    """An old lägesbild whose review is planned is not stale: the date was chosen."""
    old = dates.add_months(today, -30)
    later = today + dt.timedelta(days=60)
    assert _picture(decided_on=old, next_review=later).staleness(today) is None


def test_without_a_review_date_stale_only_when_older_than_twelve_months(today):
    exactly = dates.add_months(today, -12)  # exactly 12 months old: not yet
    assert _picture(decided_on=exactly).staleness(today) is None
    younger = exactly + dt.timedelta(days=1)  # one day short of 12 months
    assert _picture(decided_on=younger).staleness(today) is None
    older = exactly - dt.timedelta(days=1)  # 12 months and a day
    stale = _picture(decided_on=older).staleness(today)
    assert stale == Staleness(Staleness.TOO_OLD, older, limit=12, decided=True)


def test_the_boundary_moves_with_the_clock(today):
    """The same lägesbild, seen on the boundary day and the day after it."""
    picture = _picture(decided_on=dates.add_months(today, -12))
    assert picture.staleness(today) is None
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert picture.staleness(dates.today()) is not None


def test_an_undecided_lagesbild_counts_from_its_period_end(today):
    end = dates.add_months(today, -13)
    picture = _picture(decided_by="", decided_on=None, period_start=end.replace(day=1))
    picture.period_end = end
    stale = picture.staleness(today)
    assert stale == Staleness(Staleness.TOO_OLD, end, limit=12, decided=False)
    picture.period_end = dates.add_months(today, -11)
    assert picture.staleness(today) is None


def test_a_fresh_lagesbild_is_not_stale(today):
    assert _picture(decided_on=today - dt.timedelta(days=95)).staleness(today) is None
    assert _picture(decided_on=today).staleness(today) is None


def test_the_setting_moves_the_limit(today):
    picture = _picture(decided_on=dates.add_months(today, -7))
    assert picture.staleness(today) is None
    with override_settings(LAGESBILD_STALE_MONTHS=6):
        stale = picture.staleness(today)
        assert stale is not None and stale.limit == 6
    with override_settings(LAGESBILD_STALE_MONTHS=24):
        assert _picture(decided_on=dates.add_months(today, -21)).staleness(today) is None


def test_the_age_in_whole_calendar_months(today):
    assert _picture(decided_on=today).age_in_months(today) == 0
    assert _picture(decided_on=today + dt.timedelta(days=5)).age_in_months(today) == 0
    assert _picture(decided_on=dates.add_months(today, -21)).age_in_months(today) == 21
    day_short = dates.add_months(today, -21) + dt.timedelta(days=1)
    assert _picture(decided_on=day_short).age_in_months(today) == 20
    # 31 January to 28 February is a whole month, as add_months counts it
    assert _picture(decided_on=dt.date(2026, 1, 31)).age_in_months(dt.date(2026, 2, 28)) == 1


def test_the_message_in_swedish(today):
    from django.utils import translation

    review = _picture(decided_on=today, next_review=dt.date(2026, 3, 31)).staleness(today)
    old = _picture(decided_on=dt.date(2025, 2, 28)).staleness(today)
    with translation.override("sv"):
        assert review.message == "Lägesbilden behöver ses över: nästa översyn var 2026-03-31"
        assert old.message == (
            "Lägesbilden behöver ses över: äldre än 12 månader, beslutad 2025-02-28"
        )


# --- the compliance panel on the municipality page -------------------------------------


def _panel(client, municipality) -> str:
    response = client.get(reverse("municipality-detail", args=[municipality.code]))
    assert response.status_code == 200
    return response.content.decode()


def _item(client, municipality):
    response = client.get(reverse("municipality-detail", args=[municipality.code]))
    for template, context in response.context["panels"]:
        if template == "agreements/_compliance_panel.html":
            return context["items"][0]
    raise AssertionError("no compliance panel")


def test_the_panel_flags_a_lagesbild_whose_review_has_passed(client_of, owner, home, today):
    review = today - dt.timedelta(days=245)
    f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        title="Lägesbild Hemby 2025",
        decided_by="Kommunstyrelsen",
        decided_on=dates.add_months(today, -21),
        next_review=review,
    )
    client = client_of(owner)
    item = _item(client, home)
    assert not item.ok
    body = _panel(client, home)
    assert "Lägesbild Hemby 2025: 21 månader gammal" in body
    assert f"Lägesbilden behöver ses över: nästa översyn var {review.isoformat()}" in body


def test_the_panel_flags_an_old_lagesbild_without_a_review_date(client_of, owner, home, today):
    decided = dates.add_months(today, -21)
    f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        title="Lägesbild Hemby 2025",
        decided_by="Kommunstyrelsen",
        decided_on=decided,
    )
    body = _panel(client_of(owner), home)
    assert "21 månader gammal" in body
    assert (
        f"Lägesbilden behöver ses över: äldre än 12 månader, beslutad {decided.isoformat()}" in body
    )


def test_the_panel_shows_no_warning_for_a_fresh_lagesbild(client_of, owner, home, today):
    f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        decided_by="Kommunstyrelsen",
        decided_on=today - dt.timedelta(days=40),
        next_review=today + dt.timedelta(days=300),
    )
    client = client_of(owner)
    item = _item(client, home)
    assert item.ok and item.warning == ""
    assert "behöver ses över" not in _panel(client, home)


def test_the_panel_follows_the_setting(client_of, owner, home, today):
    f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        decided_by="Kommunstyrelsen",
        decided_on=dates.add_months(today, -8),
    )
    client = client_of(owner)
    assert _item(client, home).ok
    with override_settings(LAGESBILD_STALE_MONTHS=6):
        item = _item(client, home)
        assert not item.ok
        assert "äldre än 6 månader" in _panel(client, home)


def test_the_panel_says_when_no_lagesbild_is_current(client_of, owner, home):
    client = client_of(owner)
    item = _item(client, home)
    assert not item.ok
    assert item.warning == ""
    assert "Ingen lägesbild är markerad som gällande." in _panel(client, home)


def test_the_lagesbild_page_says_it_needs_review_by_age_too(client_of, owner, home, today):
    decided = dates.add_months(today, -21)
    stale = f.SituationalPictureFactory(municipality=home, is_current=True, decided_on=decided)
    fresh_old = f.SituationalPictureFactory(municipality=home, is_current=False, decided_on=decided)
    client = client_of(owner)
    page = client.get(reverse("picture-detail", args=[stale.pk])).content.decode()
    assert 'id="picture-stale"' in page
    assert f"äldre än 12 månader, beslutad {decided.isoformat()}" in page
    # a lägesbild that is not the current one is history, not a warning
    other = client.get(reverse("picture-detail", args=[fresh_old.pk])).content.decode()
    assert 'id="picture-stale"' not in other
