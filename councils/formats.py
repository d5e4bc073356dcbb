"""Dates, times and numbers as the reader expects them: the one formatting layer.

Templates use the same functions as filters (``{% load formats %}``, see
``councils/templatetags/formats.py``), so a page, a PDF, an e-mail and a message
show a date or a number alike. Every function follows the active language; the
Swedish output is written as Swedish authorities write it (Språkrådet,
*Svenska skrivregler*):

=====================  ==============================  ==============================
function               sv                              en
=====================  ==============================  ==============================
``day(d)``             31 mars 2027                    31 March 2027
``short_day(d)``       30 nov. 2027, 31 mars 2027      30 Nov 2027, 31 Mar 2027
``iso(d)``             2027-03-31                      2027-03-31
``iso_datetime(t)``    2027-03-31T14:05:00+02:00       (the same)
``moment(t)``          31 mars 2027 kl. 14.05          31 March 2027, 14:05
``period(a, b)``       1 januari 2027 – 31 mars 2027   1 January 2027 – 31 March 2027
``iso_period(a, b)``   2027-01-01–2027-03-31           (the same)
``number(x)``          -1 234 567,5                    -1,234,567.5
``percent(x)``         12 %                            12%
=====================  ==============================  ==============================

- ``day`` for dates in running text and headings; ``short_day`` in the tables and lists
  a person reads (Swedish abbreviates with a full stop and leaves the short months
  whole: mars, maj, juni, juli); ``iso`` for forms, exports, file names, machine
  attributes (``<time datetime>``) and messages that quote a date; ``moment`` for a
  point in time.
- An aware datetime is shown in the current time zone (Stockholm, ``TIME_ZONE``):
  ``day``/``iso`` of a moment give its date there, ``moment`` its time there (summer
  and winter time alike). A naive datetime is taken as local already.
- The thousands separator in Swedish is a non-breaking space (U+00A0), as is the
  space before the per cent sign, so a number never breaks over two lines.
- ``day``, ``iso`` and ``period`` also take the ISO text a JSON snapshot keeps
  ("2027-03-31"), so a signed snapshot reads like the live page; ``number`` takes the
  decimal text ("34.50" gives "34,5").
- Nothing (``None`` or ``""``) gives ``""``: a page that wants a dash writes
  ``{{ value|day|default:"–" }}``.
- These are for people. Data (JSON snapshots, CSV cells, API fields) keeps
  ``value.isoformat()`` and plain numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateformat import format as date_pattern
from django.utils.formats import number_format
from django.utils.translation import get_language

EMPTY = ""
#: the widest a number's default precision goes ("12,5", "2,15", never "2,153")
MAX_DECIMALS = 2
NBSP = "\u00a0"

#: Django date patterns per language (``F`` is the translated month name)
_PATTERNS = {
    "sv": {"day": "j F Y", "moment": r"j F Y \k\l. H.i"},
    "en": {"day": "j F Y", "moment": "j F Y, H:i"},
}
#: Språkrådet's abbreviations; the month names that are short already stay whole
_SHORT_MONTHS = {
    "sv": [
        "jan.",
        "feb.",
        "mars",
        "apr.",
        "maj",
        "juni",
        "juli",
        "aug.",
        "sep.",
        "okt.",
        "nov.",
        "dec.",
    ],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
_PERCENT = {"sv": NBSP + "%", "en": "%"}

type Day = dt.date | dt.datetime | str | None
type Number = Decimal | int | float | str | None


def _language() -> str:
    code = (get_language() or "sv").split("-")[0].lower()
    return code if code in _PATTERNS else "en"


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _parsed(value: dt.date | dt.datetime | str) -> dt.date | dt.datetime:
    """A date as given, or read from the ISO text a signed snapshot keeps ("2027-03-31")."""
    if isinstance(value, str):
        text = value.strip()
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    return value


def _date_of(value: dt.date | dt.datetime | str) -> dt.date:
    value = _local(_parsed(value))
    return value.date() if isinstance(value, dt.datetime) else value


def _missing(value: object) -> bool:
    return value is None or value == ""


def day(value: Day) -> str:
    """A date in words: "31 mars 2027" (sv), "31 March 2027" (en)."""
    if _missing(value):
        return EMPTY
    return date_pattern(_date_of(value), _PATTERNS[_language()]["day"])


def short_day(value: Day) -> str:
    """A date with its month cut short: "30 nov. 2026" (sv), "30 Nov 2026" (en)."""
    if _missing(value):
        return EMPTY
    date = _date_of(value)
    return f"{date.day} {_SHORT_MONTHS[_language()][date.month - 1]} {date.year}"


def iso(value: Day) -> str:
    """A date as ISO 8601, the same in every language: "2027-03-31"."""
    if _missing(value):
        return EMPTY
    return _date_of(value).isoformat()


def iso_datetime(value: Day) -> str:
    """The full ISO 8601 value for machines (``<time datetime="…">``), in local time."""
    if _missing(value):
        return EMPTY
    return _local(value).isoformat()


def moment(value: dt.datetime | None) -> str:
    """A point in time: "31 mars 2027 kl. 14.05" (sv), "31 March 2027, 14:05" (en)."""
    if _missing(value):
        return EMPTY
    if not isinstance(value, dt.datetime):
        raise TypeError(f"moment() needs a datetime, not {type(value).__name__}")
    return date_pattern(_local(value), _PATTERNS[_language()]["moment"])


def _span(start: str, end: str, dash: str) -> str:
    if start and end:
        return f"{start}{dash}{end}"
    return start or (f"{dash.lstrip()}{end}" if end else EMPTY)


def period(start: Day, end: Day) -> str:
    """A period in words: "1 januari 2027 – 31 mars 2027"; an open end is left out.

    The dash has spaces round it because the dates have spaces in them (Språkrådet).
    """
    return _span(day(start), day(end), " – ")


def iso_period(start: Day, end: Day) -> str:
    """A period in ISO dates, for labels and messages: "2027-01-01–2027-03-31"."""
    return _span(iso(start), iso(end), "–")


def _decimal(value: Decimal | int | float | str) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def number(value: Number, decimals: int | None = None) -> str:
    """A number for people: "1 234,5" (sv, non-breaking space), "1,234.5" (en).

    ``decimals=None`` shows the decimals the value has, at most ``MAX_DECIMALS``
    ("12", "12,5", "2,15"); an integer fixes them ("12,50" with ``decimals=2``).
    Halves round away from zero; a value that rounds to zero has no minus sign.
    """
    if _missing(value):
        return EMPTY
    amount = _decimal(value)
    if decimals is None:
        places = -amount.normalize().as_tuple().exponent
        decimals = min(MAX_DECIMALS, max(places, 0))
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)
    return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent(value: Number, decimals: int | None = None) -> str:
    """A value already in per cent: "12 %" (sv, non-breaking space), "12%" (en)."""
    if _missing(value):
        return EMPTY
    return number(value, decimals) + _PERCENT.get(_language(), "%")
