"""Follow-up cadence arithmetic: the calendar periods an activity is followed up by, and
when it is next due.

Pure functions of dates. The periods are calendar-aligned: monthly (each calendar
month), quarterly (January–March, April–June, July–September, October–December),
tertial (January–April, May–August, September–December) and yearly (the calendar
year). A period never crosses a year end, so finding the one that contains a day never
overflows; stepping past 31 December 9999 or before 1 January 1 is a Swedish
``ValidationError`` (``councils.dates``), never an ``OverflowError``.

"Today" for due dates is the local date in the project's time zone (Europe/Stockholm),
never the UTC date: ``today()``.
"""

from __future__ import annotations

import calendar
import datetime as dt

from councils import dates
from councils.dates import add_months
from pledges.models import Activity

__all__ = [
    "MONTHS",
    "Period",
    "add_months",
    "clip",
    "is_overdue",
    "next_follow_up",
    "next_period",
    "period_containing",
    "periods_within",
    "previous_period",
    "today",
]

Cadence = Activity.Cadence
Period = tuple[dt.date, dt.date]

ONE_DAY = dt.timedelta(days=1)

#: months in one period of each cadence (each divides the year)
MONTHS: dict[str, int] = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.TERTIAL: 4,
    Cadence.YEARLY: 12,
}


def period_containing(day: dt.date, cadence: str) -> Period:
    """The calendar period of ``cadence`` that contains ``day``: (first day, last day).

    An unknown cadence is a ValueError."""
    months = MONTHS[Cadence(cadence)]
    first = (day.month - 1) // months * months + 1
    last = first + months - 1
    return (
        dt.date(day.year, first, 1),
        dt.date(day.year, last, calendar.monthrange(day.year, last)[1]),
    )


def next_period(day: dt.date, cadence: str) -> Period:
    """The period of ``cadence`` after the one that contains ``day``."""
    return period_containing(dates.shift(period_containing(day, cadence)[1], ONE_DAY), cadence)


def previous_period(day: dt.date, cadence: str) -> Period:
    """The period of ``cadence`` before the one that contains ``day``."""
    return period_containing(dates.shift(period_containing(day, cadence)[0], -ONE_DAY), cadence)


def next_follow_up(period_end: dt.date, cadence: str) -> dt.date:
    """The follow-up due after an entry that ends on ``period_end``: the end of the first
    period of ``cadence`` the entry does not reach.

    For an entry that ends with its period (the usual case) that is the end of the next
    period: 30 April, tertial → 31 August. For one that stops within a period it is that
    period's end, since the rest of the period is still to be followed up:
    15 April, tertial → 30 April."""
    return period_containing(dates.shift(period_end, ONE_DAY), cadence)[1]


def clip(period: Period, within: Period) -> Period | None:
    """``period`` cut to ``within`` (a pledge's period); None where they do not meet."""
    start, end = max(period[0], within[0]), min(period[1], within[1])
    return (start, end) if start <= end else None


def today() -> dt.date:
    """Today in the project's time zone: the date due dates are compared with."""
    return dates.today()


def is_overdue(next_date: dt.date | None, on: dt.date | None = None) -> bool:
    """Due before today (a follow-up due today is not yet overdue)."""
    return next_date is not None and next_date < (on or today())


def periods_within(within: Period, cadence: str, until: dt.date) -> list[Period]:
    """The periods of ``cadence`` that meet ``within`` (a pledge's period), cut to it,
    oldest first, up to the one that contains ``until`` (today): the periods that have
    started. The first period is always there, even before it starts."""
    if within[1] < within[0]:
        return []
    last = min(max(until, within[0]), within[1])
    found: list[Period] = []
    period = period_containing(within[0], cadence)
    while period[0] <= last:
        found.append(clip(period, within))
        if period[1] >= last:
            break
        period = next_period(period[0], cadence)
    return found
