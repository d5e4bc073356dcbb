"""The formatting layer: councils.formats and its template filters, in Swedish and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from councils import formats

NBSP = "\u00a0"
UTC = dt.UTC
STOCKHOLM = ZoneInfo("Europe/Stockholm")
LAST_OF_MARCH = dt.date(2027, 3, 31)


@pytest.fixture
def sv():
    with translation.override("sv"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


def render(source: str, **context) -> str:
    return Template("{% load formats %}" + source).render(Context(context))


# --- dates -----------------------------------------------------------------------------


def test_day_in_swedish(sv):
    assert formats.day(LAST_OF_MARCH) == "31 mars 2027"
    assert formats.day(dt.date(2027, 1, 1)) == "1 januari 2027"


def test_day_in_english(en):
    assert formats.day(LAST_OF_MARCH) == "31 March 2027"


def test_day_of_a_moment_is_its_date_in_stockholm(sv):
    # 23:30 UTC on New Year's Eve is already New Year's Day in Stockholm
    assert formats.day(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 januari 2027"
    assert formats.iso(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "2027-01-01"


def test_an_unknown_language_gets_the_english_pattern():
    with translation.override("de"):
        assert formats.day(LAST_OF_MARCH).endswith(" 2027")
        assert formats.percent(5) == "5%"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_iso_is_the_same_in_every_language(language):
    with translation.override(language):
        assert formats.iso(LAST_OF_MARCH) == "2027-03-31"
        assert formats.iso(dt.date(1990, 1, 1)) == "1990-01-01"


@pytest.mark.parametrize(
    "function", [formats.day, formats.iso, formats.iso_datetime, formats.moment]
)
@pytest.mark.parametrize("nothing", [None, ""])
def test_nothing_is_shown_as_nothing(function, nothing, sv):
    assert function(nothing) == ""


def test_iso_datetime_is_local_iso_8601():
    summer = dt.datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
    assert formats.iso_datetime(summer) == "2027-06-01T12:00:00+02:00"
    winter = dt.datetime(2027, 1, 1, 10, 0, tzinfo=UTC)
    assert formats.iso_datetime(winter) == "2027-01-01T11:00:00+01:00"
    assert formats.iso_datetime(LAST_OF_MARCH) == "2027-03-31"


# --- moments ---------------------------------------------------------------------------


def test_moment_in_swedish_is_written_kl_with_a_full_stop(sv):
    assert formats.moment(dt.datetime(2027, 3, 31, 12, 5, tzinfo=UTC)) == "31 mars 2027 kl. 14.05"


def test_moment_in_english(en):
    assert formats.moment(dt.datetime(2027, 3, 31, 12, 5, tzinfo=UTC)) == "31 March 2027, 14:05"


def test_moment_across_the_spring_clock_change(sv):
    # clocks go forward at 01:00 UTC on 28 March 2027: 02.00 CET becomes 03.00 CEST
    assert formats.moment(dt.datetime(2027, 3, 28, 0, 59, tzinfo=UTC)) == "28 mars 2027 kl. 01.59"
    assert formats.moment(dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC)) == "28 mars 2027 kl. 03.00"


def test_moment_across_the_autumn_clock_change(sv):
    # clocks go back at 01:00 UTC on 31 October 2027: 02.30 happens twice
    first = dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    second = dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert formats.moment(first) == formats.moment(second) == "31 oktober 2027 kl. 02.30"
    assert formats.iso_datetime(first) == "2027-10-31T02:30:00+02:00"
    assert formats.iso_datetime(second) == "2027-10-31T02:30:00+01:00"


def test_moment_follows_the_active_time_zone(sv):
    with timezone.override(UTC):
        assert formats.moment(dt.datetime(2027, 3, 31, 12, 5, tzinfo=STOCKHOLM)) == (
            "31 mars 2027 kl. 10.05"
        )


def test_a_naive_moment_is_taken_as_local(sv):
    assert formats.moment(dt.datetime(2027, 3, 31, 9, 7))  # noqa: DTZ001 == "31 mars 2027 kl. 09.07"


def test_moment_of_a_date_is_a_mistake(sv):
    with pytest.raises(TypeError):
        formats.moment(LAST_OF_MARCH)


# --- periods ---------------------------------------------------------------------------


def test_period_in_words(sv):
    assert formats.period(dt.date(2027, 1, 1), LAST_OF_MARCH) == "1 januari 2027 – 31 mars 2027"
    with translation.override("en"):
        assert formats.period(dt.date(2027, 1, 1), LAST_OF_MARCH) == (
            "1 January 2027 – 31 March 2027"
        )


def test_iso_period_has_no_spaces_round_the_dash(sv):
    assert formats.iso_period(dt.date(2027, 1, 1), LAST_OF_MARCH) == "2027-01-01–2027-03-31"


def test_an_open_period(sv):
    assert formats.period(LAST_OF_MARCH, None) == "31 mars 2027"
    assert formats.period(None, LAST_OF_MARCH) == "– 31 mars 2027"
    assert formats.iso_period(None, LAST_OF_MARCH) == "–2027-03-31"
    assert formats.period(None, None) == ""


# --- numbers ---------------------------------------------------------------------------


def test_number_in_swedish_groups_with_a_non_breaking_space(sv):
    assert formats.number(Decimal("1234.5")) == f"1{NBSP}234,5"
    assert formats.number(1234567890) == f"1{NBSP}234{NBSP}567{NBSP}890"
    assert formats.number(999) == "999"


def test_number_in_english(en):
    assert formats.number(Decimal("1234.5")) == "1,234.5"
    assert formats.number(-1234567.25) == "-1,234,567.25"


def test_number_shows_the_decimals_the_value_has_at_most_two(sv):
    assert formats.number(Decimal("2.10")) == "2,1"
    assert formats.number(Decimal("2.00")) == "2"
    assert formats.number(Decimal("2.15")) == "2,15"
    assert formats.number(Decimal("2.155")) == "2,16"  # halves round up
    assert formats.number(12.5) == "12,5"  # a float is read as it is written


def test_number_with_fixed_decimals(sv):
    assert formats.number(12.5, 2) == "12,50"
    assert formats.number(Decimal("0.125"), 2) == "0,13"
    assert formats.number(Decimal("-0.125"), 2) == "-0,13"
    assert formats.number(7, 0) == "7"
    assert formats.number(Decimal("7.5"), 0) == "8"


def test_negative_numbers(sv):
    assert formats.number(Decimal("-1234.5")) == f"-1{NBSP}234,5"
    assert formats.number(-0.001, 2) == "0,00"  # no minus sign on a zero


def test_large_numbers(sv):
    assert formats.number(Decimal("1e15")) == f"1{NBSP}000{NBSP}000{NBSP}000{NBSP}000{NBSP}000"
    assert formats.number(10**21) == f"1{NBSP}" + NBSP.join(["000"] * 7)


def test_number_reads_text(sv):
    assert formats.number(" 1234.5 ") == f"1{NBSP}234,5"


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), True])
def test_not_a_number(bad, sv):
    with pytest.raises((TypeError, ValueError)):
        formats.number(bad)


def test_nothing_is_no_number(sv):
    assert formats.number(None) == ""
    assert formats.percent(None) == ""


def test_percent_in_swedish_has_a_non_breaking_space(sv):
    assert formats.percent(12) == f"12{NBSP}%"
    assert formats.percent(Decimal("12.5")) == f"12,5{NBSP}%"
    assert formats.percent(Decimal("12.5"), 0) == f"13{NBSP}%"


def test_percent_in_english(en):
    assert formats.percent(12) == "12%"


# --- the template filters --------------------------------------------------------------


def test_filters_format_as_python_does(sv):
    moment = dt.datetime(2027, 3, 31, 12, 5, tzinfo=UTC)
    assert render(
        "{{ d|day }}|{{ d|iso }}|{{ t|moment }}|{{ t|iso_datetime }}|{{ a|period:d }}|"
        "{{ a|iso_period:d }}|{{ x|number }}|{{ x|number:2 }}|{{ p|percent }}",
        d=LAST_OF_MARCH,
        t=moment,
        a=dt.date(2027, 1, 1),
        x=Decimal("1234.5"),
        p=60,
    ) == "|".join(
        [
            formats.day(LAST_OF_MARCH),
            "2027-03-31",
            "31 mars 2027 kl. 14.05",
            "2027-03-31T14:05:00+02:00",
            "1 januari 2027 – 31 mars 2027",
            "2027-01-01–2027-03-31",
            f"1{NBSP}234,5",
            f"1{NBSP}234,50",
            f"60{NBSP}%",
        ]
    )


def test_filters_in_english(en):
    assert render("{{ d|day }} {{ x|number:1 }}", d=LAST_OF_MARCH, x=1234) == (
        "31 March 2027 1,234.0"
    )


def test_filters_fail_silently_and_nothing_takes_a_default(sv):
    assert (
        render(
            '{{ n|day|default:"–" }}|{{ s|number }}|{{ d|moment }}',
            n=None,
            s="abc",
            d=LAST_OF_MARCH,
        )
        == "–||"
    )


# --- short dates and the text a snapshot keeps --------------------------------------------


def test_short_day_in_swedish_cuts_long_months_with_a_full_stop(sv):
    assert formats.short_day(dt.date(2026, 11, 30)) == "30 nov. 2026"
    assert formats.short_day(dt.date(2026, 10, 31)) == "31 okt. 2026"
    assert formats.short_day(LAST_OF_MARCH) == "31 mars 2027"
    assert formats.short_day(dt.date(2027, 5, 1)) == "1 maj 2027"
    assert formats.short_day(None) == ""


def test_short_day_in_english(en):
    assert formats.short_day(dt.date(2026, 11, 30)) == "30 Nov 2026"


def test_swedish_months_are_lower_case(sv):
    for month in range(1, 13):
        date = dt.date(2026, month, 1)
        for text in (formats.day(date), formats.short_day(date)):
            assert text == text.lower(), text


def test_dates_kept_as_iso_text_read_like_dates(sv):
    """A signed snapshot keeps "2026-11-30" in JSON; a person reads "30 november 2026"."""
    assert formats.day("2026-11-30") == "30 november 2026"
    assert formats.short_day("2026-11-30") == "30 nov. 2026"
    assert formats.iso("2026-11-30") == "2026-11-30"
    assert formats.period("2026-01-01", "2026-12-31") == "1 januari 2026 – 31 december 2026"
    assert (
        render("{{ d|day }}|{{ d|short_day }}", d="2026-11-30") == "30 november 2026|30 nov. 2026"
    )
    assert render("{{ d|day|default:'–' }}", d="not a date") == "–"


def test_decimal_text_gets_a_decimal_comma_and_counts_no_decimals(sv):
    assert formats.number("34.50") == "34,5"
    assert formats.number("34.50", 2) == "34,50"
    assert formats.number("20.00") == "20"
    assert formats.number(Decimal("12345.00")) == f"12{NBSP}345"
