"""Cadence arithmetic: month ends, leap years, and "today" in Europe/Stockholm."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from followup import cadence
from followup.cadence import add_months, is_overdue, next_follow_up
from pledges.models import Activity

C = Activity.Cadence
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (dt.date(2026, 1, 15), C.MONTHLY, dt.date(2026, 2, 15)),
        (dt.date(2026, 1, 15), C.QUARTERLY, dt.date(2026, 4, 15)),
        (dt.date(2026, 1, 15), C.TERTIAL, dt.date(2026, 5, 15)),
        (dt.date(2026, 1, 15), C.YEARLY, dt.date(2027, 1, 15)),
        # month ends are clamped
        (dt.date(2026, 1, 31), C.MONTHLY, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), C.MONTHLY, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), C.MONTHLY, dt.date(2026, 4, 30)),
        (dt.date(2026, 5, 31), C.QUARTERLY, dt.date(2026, 8, 31)),
        (dt.date(2026, 11, 30), C.QUARTERLY, dt.date(2027, 2, 28)),
        (dt.date(2027, 10, 31), C.TERTIAL, dt.date(2028, 2, 29)),
        (dt.date(2026, 10, 31), C.TERTIAL, dt.date(2027, 2, 28)),
        # 29 February + a year is 28 February; across the year end
        (dt.date(2028, 2, 29), C.YEARLY, dt.date(2029, 2, 28)),
        (dt.date(2026, 12, 31), C.MONTHLY, dt.date(2027, 1, 31)),
        (dt.date(2026, 12, 1), C.YEARLY, dt.date(2027, 12, 1)),
    ],
)
def test_next_follow_up(day, kind, expected):
    assert next_follow_up(day, kind) == expected


def test_a_clamped_date_does_not_jump_back_to_the_month_end():
    feb = next_follow_up(dt.date(2026, 1, 31), C.MONTHLY)
    assert next_follow_up(feb, C.MONTHLY) == dt.date(2026, 3, 28)


def test_add_months_backwards_and_an_unknown_cadence():
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 1, 31), -13) == dt.date(2024, 12, 31)
    assert cadence.previous_follow_up(dt.date(2026, 4, 30), C.TERTIAL) == dt.date(2025, 12, 31)
    with pytest.raises(ValueError):
        next_follow_up(dt.date(2026, 1, 1), "weekly")


def test_due_today_is_not_overdue():
    today = dt.date(2026, 5, 1)
    assert not is_overdue(None, today)
    assert not is_overdue(today, today)
    assert is_overdue(today - dt.timedelta(days=1), today)


def test_today_is_the_stockholm_date_around_midnight(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    due = dt.date(2026, 3, 1)
    # 23:30 UTC on 28 February is already 00:30 on 1 March in Stockholm (CET, UTC+1)
    with time_machine.travel(dt.datetime(2026, 2, 28, 23, 30, tzinfo=dt.UTC), tick=False):
        assert dt.datetime.now(dt.UTC).date() == dt.date(2026, 2, 28)
        assert cadence.today() == dt.date(2026, 3, 1)
        assert not is_overdue(due)
    # 23:30 UTC on 1 March is 00:30 on 2 March in Stockholm: now overdue
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        assert dt.datetime.now(dt.UTC).date() == dt.date(2026, 3, 1)
        assert is_overdue(due)
    # just before midnight in Stockholm (summer time, UTC+2) it is still the same day
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 59, tzinfo=STOCKHOLM), tick=False):
        assert cadence.today() == dt.date(2026, 6, 30)
        assert not is_overdue(dt.date(2026, 6, 30))
