"""Follow-up cadence arithmetic: when an activity is next due.

Pure functions of dates. "Today" for due dates is the local date in the project's
time zone (Europe/Stockholm), never the UTC date: ``today()``.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from pledges.models import Activity

Cadence = Activity.Cadence

#: months between two follow-ups
MONTHS: dict[str, int] = {
    Cadence.MONTHLY: 1,
    Cadence.TERTIAL: 4,
    Cadence.QUARTERLY: 3,
    Cadence.YEARLY: 12,
}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's end
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def next_follow_up(day: dt.date, cadence: str) -> dt.date:
    """The follow-up after one on ``day`` for an activity of ``cadence``."""
    return add_months(day, MONTHS[Cadence(cadence)])


def previous_follow_up(day: dt.date, cadence: str) -> dt.date:
    """The start of the period of ``cadence`` that ends on ``day``."""
    return add_months(day, -MONTHS[Cadence(cadence)]) + dt.timedelta(days=1)


def today() -> dt.date:
    """Today in the project's time zone: the date due dates are compared with."""
    return timezone.localdate()


def is_overdue(next_date: dt.date | None, on: dt.date | None = None) -> bool:
    """Due before today (a follow-up due today is not yet overdue)."""
    return next_date is not None and next_date < (on or today())
