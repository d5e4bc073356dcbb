"""Dates for the whole project: the one clock, the range a date may take, safe arithmetic.

- ``today()`` / ``now()``: the only clock. "Today" is the date in Stockholm
  (``TIME_ZONE``), never the UTC date; nothing reads it at import time.
- ``PLAUSIBLE_DATE``: the validators every model date field carries (1990–2100: a date
  outside is a typing mistake), and ``DateField``, the form field with the same rule.
- ``add_months`` / ``add_years`` / ``shift``: date arithmetic that answers a Swedish
  ``ValidationError`` instead of an ``OverflowError`` when a result has no date.
- ``whole_years`` / ``shift_years_in``: how many whole years a period spans, and a
  text's years moved with a renewed period ("Medborgarlöfte 2026" → "… 2027").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from councils import formats

#: the first and last day any date in the product may take
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def today() -> dt.date:
    """Today in Stockholm: the date due dates, periods and defaults are compared with."""
    return timezone.localdate()


def now() -> dt.datetime:
    """This moment (aware)."""
    return timezone.now()


def _out_of_range() -> ValidationError:
    return ValidationError(
        _("Enter a date between %(earliest)s and %(latest)s."),
        code="date_out_of_range",
        params={"earliest": formats.iso(EARLIEST), "latest": formats.iso(LATEST)},
    )


@deconstructible(path="councils.dates.PlausibleDate")
class PlausibleDate:
    """A date between EARLIEST and LATEST."""

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            value = value.date()
        if not EARLIEST <= value <= LATEST:
            raise _out_of_range()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate)

    def __hash__(self) -> int:
        return hash(PlausibleDate)


#: the validators of every model date field
PLAUSIBLE_DATE = [PlausibleDate()]

#: the widget of every date input: the browser's date picker, ISO value
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A form date field: the date picker, ISO input, and the plausible range."""

    widget = DATE_INPUT
    default_validators = PLAUSIBLE_DATE


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def moved_period(move, refused: ValidationError) -> tuple[dt.date, dt.date]:
    """The period ``move()`` returns, or ``refused`` raised when moving it fails (a
    date beyond year 9999) or it falls outside the dates the service accepts."""
    try:
        start, end = move()
    except ValidationError as error:
        raise refused from error
    if not (in_range(start) and in_range(end)):
        raise refused
    return start, end


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's end
    (31 January + 1 month = 28 or 29 February). A result without a date (before year 1
    or after 9999) is a ValidationError."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _out_of_range()
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes 28 February in a common year)."""
    return add_months(day, 12 * years)


def shift(day: dt.date, delta: dt.timedelta) -> dt.date:
    """``day + delta``, a ValidationError where that has no date."""
    try:
        return day + delta
    except OverflowError as error:
        raise _out_of_range() from error


def whole_years(start: dt.date, end: dt.date) -> int | None:
    """The number of whole years from ``start`` to ``end`` (inclusive): 2026-01-01 to
    2029-12-31 is 4; None when the period is not a whole number of years."""
    try:
        after = end + dt.timedelta(days=1)
    except OverflowError:
        return None
    years = after.year - start.year
    if years >= 1 and add_years(start, years) == after:
        return years
    return None


_YEAR = re.compile(r"(?<!\d)(19|20|21)(\d\d)(?!\d)")


def shift_years_in(text: str, *, first: int, last: int, years: int) -> str:
    """``text`` with each year from ``first`` to ``last`` written as a number moved by
    ``years`` (in one pass: 2026 → 2027 and 2027 → 2028 do not run into each other).
    Other numbers, and other years ("sedan 2019"), stay as they are."""

    def moved(match: re.Match) -> str:
        year = int(match.group(0))
        return str(year + years) if first <= year <= last else match.group(0)

    return _YEAR.sub(moved, text)
