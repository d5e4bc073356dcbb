"""The moments the dated test runs move the clock to, one per line (Stockholm wall clock).

    python3 scripts/clock-moments.py            # all five
    python3 scripts/clock-moments.py --ci REF   # what one CI run takes (see .ci/run)

Each is the next such moment after the real today, so the runs keep testing the coming
year end, leap day and clock changes as the years pass:

- 31 December 23:45: the last quarter of an hour of the year (a run crosses midnight);
- 1 January 00:15: the first quarter of an hour of the year;
- 29 February 12:00: the next leap day;
- the last Sunday of March 01:59: a minute before the clocks go forward (02:00 → 03:00);
- the last Sunday of October 02:30: inside the hour that happens twice (clocks go back).

A CI run takes the year end, whose run crosses midnight into 1 January (the whole suite
takes about nine minutes a moment, and CI stays inside its half hour); REF is kept for
the call's shape. `CLOCK_MOMENTS=all bash .ci/run` runs all five.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys

ZONE = "Europe/Stockholm"


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)


def _next_last_sunday(today: dt.date, month: int) -> dt.date:
    this_year = _last_sunday(today.year, month)
    return this_year if this_year >= today else _last_sunday(today.year + 1, month)


def moments(today: dt.date) -> list[str]:
    year = today.year
    leaps = (y for y in range(year, year + 8) if calendar.isleap(y))
    leap = next(y for y in leaps if dt.date(y, 2, 29) >= today)
    march, october = _next_last_sunday(today, 3), _next_last_sunday(today, 10)
    return [
        f"{year}-12-31 23:45 {ZONE}",
        f"{year + 1}-01-01 00:15 {ZONE}",
        f"{leap}-02-29 12:00 {ZONE}",
        f"{march:%Y-%m-%d} 01:59 {ZONE}",
        f"{october:%Y-%m-%d} 02:30 {ZONE}",
    ]


def main(argv: list[str]) -> None:
    everything = moments(dt.date.today())  # noqa: DTZ011 - the host's day is close enough
    if len(argv) == 2 and argv[0] == "--ci":
        everything = everything[:1]
    print("\n".join(everything))


if __name__ == "__main__":
    main(sys.argv[1:])
