"""Cadence arithmetic: calendar periods of every cadence across year ends and leap days,
the ends of the calendar, and "today" in Europe/Stockholm."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from councils import dates
from followup import cadence
from followup.cadence import add_months, is_overdue, next_follow_up
from pledges.models import Activity

C = Activity.Cadence
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "kind", "start", "end"),
    [
        # monthly: each calendar month, February by the leap year
        ("2026-01-15", C.MONTHLY, "2026-01-01", "2026-01-31"),
        ("2026-02-01", C.MONTHLY, "2026-02-01", "2026-02-28"),
        ("2028-02-29", C.MONTHLY, "2028-02-01", "2028-02-29"),
        ("2026-12-31", C.MONTHLY, "2026-12-01", "2026-12-31"),
        # quarterly: January–March, April–June, July–September, October–December
        ("2026-01-01", C.QUARTERLY, "2026-01-01", "2026-03-31"),
        ("2028-02-29", C.QUARTERLY, "2028-01-01", "2028-03-31"),
        ("2026-04-01", C.QUARTERLY, "2026-04-01", "2026-06-30"),
        ("2026-09-30", C.QUARTERLY, "2026-07-01", "2026-09-30"),
        ("2026-11-15", C.QUARTERLY, "2026-10-01", "2026-12-31"),
        # tertial: January–April, May–August, September–December
        ("2026-04-30", C.TERTIAL, "2026-01-01", "2026-04-30"),
        ("2028-02-29", C.TERTIAL, "2028-01-01", "2028-04-30"),
        ("2026-05-01", C.TERTIAL, "2026-05-01", "2026-08-31"),
        ("2026-07-31", C.TERTIAL, "2026-05-01", "2026-08-31"),
        ("2026-09-01", C.TERTIAL, "2026-09-01", "2026-12-31"),
        ("2026-12-31", C.TERTIAL, "2026-09-01", "2026-12-31"),
        # yearly: the calendar year
        ("2028-02-29", C.YEARLY, "2028-01-01", "2028-12-31"),
        ("2026-12-31", C.YEARLY, "2026-01-01", "2026-12-31"),
        # the ends of the calendar: no overflow
        ("0001-01-05", C.TERTIAL, "0001-01-01", "0001-04-30"),
        ("9999-12-31", C.QUARTERLY, "9999-10-01", "9999-12-31"),
    ],
)
def test_the_period_containing_a_day(day, kind, start, end):
    assert cadence.period_containing(d(day), kind) == (d(start), d(end))


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        # across the year end
        ("2026-12-31", C.MONTHLY, "2027-01-31"),
        ("2026-12-31", C.QUARTERLY, "2027-03-31"),
        ("2026-12-31", C.TERTIAL, "2027-04-30"),
        ("2028-12-31", C.YEARLY, "2029-12-31"),
        # into a leap February, and past it
        ("2028-01-31", C.MONTHLY, "2028-02-29"),
        ("2028-02-29", C.MONTHLY, "2028-03-31"),
        ("2027-12-31", C.QUARTERLY, "2028-03-31"),
        # an entry that ends with its period: the next period's end
        ("2026-04-30", C.TERTIAL, "2026-08-31"),
        ("2026-08-31", C.TERTIAL, "2026-12-31"),
        ("2026-03-31", C.QUARTERLY, "2026-06-30"),
        ("2026-01-31", C.MONTHLY, "2026-02-28"),
        ("2026-12-31", C.YEARLY, "2027-12-31"),
        # an entry that stops within a period: the rest of that period is due
        ("2026-04-15", C.TERTIAL, "2026-04-30"),
        ("2026-07-31", C.TERTIAL, "2026-08-31"),
        ("2026-01-15", C.MONTHLY, "2026-01-31"),
        ("2028-02-29", C.QUARTERLY, "2028-03-31"),
        ("2028-02-28", C.MONTHLY, "2028-02-29"),
    ],
)
def test_next_follow_up_is_the_end_of_the_next_calendar_period(day, kind, expected):
    assert next_follow_up(d(day), kind) == d(expected)


def test_stepped_periods_stay_on_the_calendar():
    """From a month end, one period after another never drifts (31 Jan → 28 Feb → 31 Mar)."""
    day, ends = d("2025-12-31"), []
    for _ in range(4):
        day = next_follow_up(day, C.MONTHLY)
        ends.append(day)
    assert ends == [d("2026-01-31"), d("2026-02-28"), d("2026-03-31"), d("2026-04-30")]
    day = d("2026-12-31")
    for expected in ("2027-04-30", "2027-08-31", "2027-12-31", "2028-04-30"):
        day = next_follow_up(day, C.TERTIAL)
        assert day == d(expected)


@pytest.mark.parametrize(
    ("day", "kind", "after", "before"),
    [
        (
            "2026-02-10",
            C.TERTIAL,
            ("2026-05-01", "2026-08-31"),
            ("2025-09-01", "2025-12-31"),
        ),
        (
            "2028-02-29",
            C.MONTHLY,
            ("2028-03-01", "2028-03-31"),
            ("2028-01-01", "2028-01-31"),
        ),
        (
            "2026-01-01",
            C.QUARTERLY,
            ("2026-04-01", "2026-06-30"),
            ("2025-10-01", "2025-12-31"),
        ),
        (
            "2026-12-31",
            C.YEARLY,
            ("2027-01-01", "2027-12-31"),
            ("2025-01-01", "2025-12-31"),
        ),
    ],
)
def test_the_next_and_previous_period(day, kind, after, before):
    assert cadence.next_period(d(day), kind) == (d(after[0]), d(after[1]))
    assert cadence.previous_period(d(day), kind) == (d(before[0]), d(before[1]))


def test_beyond_the_calendar_is_a_swedish_validation_error():
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        next_follow_up(d("9999-12-31"), C.MONTHLY)
    assert error.value.messages == ["Ange ett datum mellan 1990-01-01 och 2100-12-31."]
    with pytest.raises(ValidationError):
        cadence.next_period(d("9999-11-15"), C.QUARTERLY)
    with pytest.raises(ValidationError):
        cadence.previous_period(d("0001-01-05"), C.TERTIAL)


def test_clip_to_a_pledge_period():
    pledge = (d("2026-07-01"), d("2027-06-30"))
    assert cadence.clip((d("2026-05-01"), d("2026-08-31")), pledge) == (
        d("2026-07-01"),
        d("2026-08-31"),
    )
    assert cadence.clip((d("2027-05-01"), d("2027-08-31")), pledge) == (
        d("2027-05-01"),
        d("2027-06-30"),
    )
    assert cadence.clip((d("2027-09-01"), d("2027-12-31")), pledge) is None


def test_add_months_is_the_date_kits_and_an_unknown_cadence_is_refused():
    assert add_months is dates.add_months
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 1, 31), -13) == dt.date(2024, 12, 31)
    with pytest.raises(ValueError):
        next_follow_up(dt.date(2026, 1, 1), "weekly")
    with pytest.raises(ValueError):
        cadence.period_containing(dt.date(2026, 1, 1), "weekly")


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


def test_periods_within_a_pledge_up_to_today():
    d = dt.date
    within = (d(2026, 3, 15), d(2027, 2, 28))
    tertial = cadence.periods_within(within, Activity.Cadence.TERTIAL, d(2026, 9, 1))
    assert tertial == [
        (d(2026, 3, 15), d(2026, 4, 30)),  # cut to the pledge's start
        (d(2026, 5, 1), d(2026, 8, 31)),
        (d(2026, 9, 1), d(2026, 12, 31)),  # started today
    ]
    after = cadence.periods_within(within, Activity.Cadence.YEARLY, d(2030, 1, 1))
    assert after == [(d(2026, 3, 15), d(2026, 12, 31)), (d(2027, 1, 1), d(2027, 2, 28))]
    before = cadence.periods_within(within, Activity.Cadence.QUARTERLY, d(2025, 1, 1))
    assert before == [(d(2026, 3, 15), d(2026, 3, 31))]  # the first, even before it starts
    assert cadence.periods_within((d(2026, 2, 1), d(2026, 1, 1)), "monthly", d(2026, 1, 1)) == []
