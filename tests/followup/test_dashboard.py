"""The county dashboard (issue 6): who may open it, every column on a small county,
sorting, filters, the CSV and XLSX exports, and a query count that does not grow with
the number of municipalities.

The clock is frozen for every test and all data is built from the frozen day
(``councils.dates.today()`` when it is built), never from the real calendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import PHASE_LABELS, Agreement, Staleness
from councils import dates
from followup import dashboard, services
from followup.views.dashboard import export_headers
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.queries import assert_constant_queries, count_queries

#: the frozen moment: 15 June 2026, 12:00 in Stockholm
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
#: positions in the export: name, code, phase, days, picture, coordination, pledge,
#: five activity statuses, overdue, indicator, value, year, target, on track
COLUMN = {"phase": 2, "days": 3, "picture": 4, "stale": 5, "coordination": 6, "pledge": 7}
COLUMN.update({"overdue": 13, "indicator": 14, "value": 15, "on_track": 18})


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def today() -> dt.date:
    """The frozen day."""
    return dates.today()


def _url(county, **params) -> str:
    from urllib.parse import urlencode

    url = reverse("county-dashboard", args=[county.code])
    return f"{url}?{urlencode(params)}" if params else url


def _fill(municipality, *, overdue: int = 1, indicator=None, picture=None):
    """An agreement in force with a measured goal, a current lägesbild (decided 95 days
    ago, no review date; ``picture`` overrides its fields), a coordination function and
    a published pledge with ``overdue`` overdue activities.

    Dates count from ``councils.dates.today()`` when it is called: call it inside a
    frozen clock."""
    today = dates.today()
    agreement = f.AgreementFactory(
        municipality=municipality,
        status=Agreement.Status.SIGNED,
        signed_snapshot={"goals": []},
        start_date=today - dt.timedelta(days=100),
        end_date=today + dt.timedelta(days=200),
    )
    goal = f.GoalFactory(agreement=agreement, target_value=Decimal("2.00"))
    link = f.GoalIndicatorFactory(goal=goal, **({"indicator": indicator} if indicator else {}))
    f.IndicatorValueFactory(
        indicator=link.indicator, municipality=municipality, year=2024, value=Decimal("2.5")
    )
    f.IndicatorValueFactory(
        indicator=link.indicator, municipality=municipality, year=2025, value=Decimal("1.8")
    )
    fields = {"decided_on": today - dt.timedelta(days=95), **(picture or {})}
    f.SituationalPictureFactory(municipality=municipality, is_current=True, **fields)
    f.CoordinationFunctionFactory(municipality=municipality)
    pledge = f.PledgeFactory(
        municipality=municipality,
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    for _ in range(overdue):
        f.ActivityFactory(
            pledge=pledge,
            status=Activity.Status.ONGOING,
            next_follow_up=today - dt.timedelta(days=3),
        )
    f.ActivityFactory(
        pledge=pledge, status=Activity.Status.DONE, next_follow_up=today + dt.timedelta(days=30)
    )
    return agreement


@pytest.fixture
def county(home, neighbour, home_county, today):
    """Hemby: everything, two overdue. Grannby: an expired agreement, a draft pledge."""
    _fill(home, overdue=2)
    f.AgreementFactory(
        municipality=neighbour,
        status=Agreement.Status.SIGNED,
        signed_snapshot={"goals": []},
        start_date=today - dt.timedelta(days=800),
        end_date=today - dt.timedelta(days=10),
    )
    draft = f.PledgeFactory(
        municipality=neighbour,
        status=Pledge.Status.DRAFT,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    # a draft's activities count by status, but are never overdue
    f.ActivityFactory(pledge=draft, next_follow_up=today - dt.timedelta(days=3))
    return home_county


# --- access ----------------------------------------------------------------------------


def test_county_officer_of_the_county_opens_it(client_of, county_officer, county):
    assert client_of(county_officer).get(_url(county)).status_code == 200


def test_county_officer_of_another_county_gets_404(client_of, county, other_county):
    board = f.OrganisationFactory(
        name="Länsstyrelsen i Bortlän",
        kind="county_board",
        municipality=None,
        county=other_county,
    )
    officer = f.UserFactory(username="other_officer")
    f.MembershipFactory(user=officer, organisation=board, role="county_officer")
    client = client_of(officer)
    assert client.get(_url(county)).status_code == 404
    assert client.get(_url(other_county)).status_code == 200
    export = reverse("county-dashboard-export", args=[county.code, "xlsx"])
    assert client.get(export).status_code == 404


def test_national_reader_and_superuser_open_any_county(
    client_of, national_reader, superuser, county
):
    assert client_of(national_reader).get(_url(county)).status_code == 200
    assert client_of(superuser).get(_url(county)).status_code == 200


def test_a_coordinator_gets_404(client_of, owner, county):
    client = client_of(owner)
    assert client.get(_url(county)).status_code == 404
    assert (
        client.get(reverse("county-dashboard-export", args=[county.code, "csv"])).status_code == 404
    )


def test_anonymous_users_are_sent_to_login(client, county):
    response = client.get(_url(county))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_county_and_format_answer_404(client_of, superuser, county):
    client = client_of(superuser)
    assert client.get(reverse("county-dashboard", args=["99"])).status_code == 404
    assert (
        client.get(reverse("county-dashboard-export", args=[county.code, "pdf"])).status_code == 404
    )


def test_the_index_lists_the_counties_the_user_may_open(
    client_of, county_officer, owner, county, other_county
):
    body = client_of(county_officer).get(reverse("dashboard-index")).content.decode()
    assert reverse("county-dashboard", args=[county.code]) in body
    assert reverse("county-dashboard", args=[other_county.code]) not in body
    body = client_of(owner).get(reverse("dashboard-index")).content.decode()
    assert reverse("county-dashboard", args=[county.code]) not in body


# --- the columns -------------------------------------------------------------------------


def test_every_column_on_a_small_county(county, home, neighbour, today):
    rows = {row.municipality.code: row for row in dashboard.county_rows(county, today)}
    hemby, grannby = rows[home.code], rows[neighbour.code]

    assert hemby.phase == "in_force"
    assert hemby.days_to_expiry == 200
    assert hemby.picture_months == 3
    assert hemby.coordination is True
    assert hemby.pledge_status == Pledge.Status.PUBLISHED
    assert hemby.activities == {"ongoing": 2, "done": 1}
    assert hemby.overdue == 2
    assert hemby.indicator.value == Decimal("1.8")
    assert hemby.indicator.year == 2025
    assert hemby.indicator.target == Decimal("2.00")
    assert hemby.indicator.on_track is True  # lower is better

    assert grannby.phase == "expired"
    assert grannby.days_to_expiry == -10
    assert grannby.picture_months is None
    assert grannby.coordination is False
    assert grannby.pledge_status == Pledge.Status.DRAFT
    assert grannby.activities == {"planned": 1}
    assert grannby.overdue == 0
    assert grannby.indicator is None


def test_a_municipality_without_anything_shows_none(home_county, today):
    empty = f.MunicipalityFactory(code="9109", name="Tomby", county=home_county)
    (row,) = dashboard.county_rows(home_county, today)
    assert row.municipality == empty
    assert (row.phase, row.pledge_status, row.picture_months, row.overdue) == (
        "none",
        "none",
        None,
        0,
    )


def test_an_agreement_in_force_wins_over_a_newer_draft(home, home_county, today):
    _fill(home)
    f.AgreementFactory(municipality=home, status=Agreement.Status.DRAFT)
    (row,) = dashboard.county_rows(home_county, today)
    assert row.phase == "in_force"


def test_higher_is_better_indicator_is_off_track_below_target(home, home_county, today):
    _fill(home, indicator=f.IndicatorFactory(lower_is_better=False))
    (row,) = dashboard.county_rows(home_county, today)
    assert row.indicator.on_track is False


def test_the_page_shows_the_rows_charts_and_drill_down(client_of, county_officer, county, home):
    body = client_of(county_officer).get(_url(county)).content.decode()
    assert reverse("municipality-detail", args=[home.code]) in body
    assert 'role="img"' in body
    assert "<title" in body and "<desc" in body
    assert 'aria-sort="ascending"' in body


# --- sorting and filters -------------------------------------------------------------------


def _order(client, county, **params) -> list[str]:
    rows = client.get(_url(county, **params)).context["rows"]
    return [row.municipality.name for row in rows]


def test_sorting_by_any_column(client_of, county_officer, county):
    client = client_of(county_officer)
    assert _order(client, county) == ["Grannby", "Hemby"]
    assert _order(client, county, sort="name", dir="desc") == ["Hemby", "Grannby"]
    assert _order(client, county, sort="overdue", dir="desc") == ["Hemby", "Grannby"]
    assert _order(client, county, sort="days") == ["Grannby", "Hemby"]
    assert _order(client, county, sort="days", dir="desc") == ["Hemby", "Grannby"]
    for column in dashboard.SORT_KEYS:
        for direction in ("asc", "desc"):
            assert len(_order(client, county, sort=column, dir=direction)) == 2
    body = client.get(_url(county, sort="overdue", dir="desc")).content.decode()
    assert 'data-column="overdue" aria-sort="descending"' in body
    # the next click on the sorted column turns the direction
    assert "sort=overdue&amp;dir=asc" in body


def test_filters(client_of, county_officer, county):
    client = client_of(county_officer)
    assert _order(client, county, phase="expired") == ["Grannby"]
    assert _order(client, county, phase="in_force") == ["Hemby"]
    assert _order(client, county, phase="none") == []
    assert _order(client, county, pledge="draft") == ["Grannby"]
    assert _order(client, county, overdue="1") == ["Hemby"]
    assert _order(client, county, phase="nonsense") == ["Grannby", "Hemby"]


# --- exports -----------------------------------------------------------------------------


def _export(client, county, fmt, **params):
    from urllib.parse import urlencode

    url = reverse("county-dashboard-export", args=[county.code, fmt])
    response = client.get(f"{url}?{urlencode(params)}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return response


def test_csv_export_is_the_filtered_sorted_table(client_of, county_officer, county):
    response = _export(client_of(county_officer), county, "csv", sort="name", dir="desc")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[0] == export_headers()
        yes = str(translation.gettext("yes"))
    assert [r[0] for r in rows[1:]] == ["Hemby", "Grannby"]
    hemby = rows[1]
    assert hemby[1] == "9101"
    assert hemby[COLUMN["days"]] == "200"
    assert hemby[COLUMN["picture"]] == "3"
    assert hemby[COLUMN["coordination"]] == yes
    assert hemby[COLUMN["overdue"]] == "2"
    assert hemby[COLUMN["value"]] == "1,8"  # a decimal comma for Swedish Excel
    assert hemby[COLUMN["on_track"]] == yes

    response = _export(client_of(county_officer), county, "csv", overdue="1")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Hemby"]


def test_xlsx_export_reads_back(client_of, county_officer, county):
    from openpyxl import load_workbook

    response = _export(client_of(county_officer), county, "xlsx", phase="expired")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    with translation.override(settings.LANGUAGE_CODE):
        assert list(values[0]) == export_headers()
        expired = str(PHASE_LABELS["expired"])
    assert [v[0] for v in values[1:]] == ["Grannby"]
    grannby = values[1]
    assert grannby[COLUMN["days"]] == -10
    assert grannby[COLUMN["phase"]] == expired
    assert grannby[COLUMN["overdue"]] == 0


def test_exports_neutralise_formulas(client_of, county_officer, home_county):
    f.MunicipalityFactory(code="9108", name="=HYPERLINK(1)", county=home_county)
    client = client_of(county_officer)
    rows = list(
        csv.reader(
            io.StringIO(_export(client, home_county, "csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][0] == "'=HYPERLINK(1)"

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(_export(client, home_county, "xlsx").content)).active
    cell = sheet["A2"]
    assert cell.value == "'=HYPERLINK(1)"
    assert cell.data_type == "s"


# --- the lägesbild: its age and whether it needs review ----------------------------------


def _stale(n: int) -> dict | None:
    """Lägesbild fields for the n-th municipality: stale by age, stale by review or fresh."""
    today = dates.today()
    return [
        {"decided_on": dates.add_months(today, -21)},
        {"next_review": today - dt.timedelta(days=1)},
        None,
    ][n % 3]


@pytest.fixture
def pictures(home, neighbour, home_county, today):
    """Hemby: decided 21 months ago, no review date. Grannby: its review date was
    yesterday. Färskby: decided 95 days ago. Tomby: no current lägesbild."""
    _fill(home, picture={"decided_on": dates.add_months(today, -21)})
    _fill(neighbour, picture={"next_review": today - dt.timedelta(days=1)})
    _fill(f.MunicipalityFactory(code="9110", name="Färskby", county=home_county))
    f.MunicipalityFactory(code="9111", name="Tomby", county=home_county)
    return home_county


def test_the_rows_say_which_lagesbild_needs_review(pictures, today):
    rows = {row.municipality.name: row for row in dashboard.county_rows(pictures, today)}
    hemby, grannby = rows["Hemby"], rows["Grannby"]
    assert hemby.picture_months == 21
    assert hemby.picture_stale == Staleness(
        Staleness.TOO_OLD, dates.add_months(today, -21), limit=12, decided=True
    )
    assert grannby.picture_stale.reason == Staleness.REVIEW_PASSED
    assert grannby.picture_stale.day == today - dt.timedelta(days=1)
    assert rows["Färskby"].picture_months == 3
    assert rows["Färskby"].picture_age == "3 månader gammal"
    assert rows["Tomby"].picture_age == ""
    assert rows["Färskby"].picture_stale is None
    assert rows["Tomby"].picture_months is None and rows["Tomby"].picture_stale is None
    states = {name: row.picture_state for name, row in rows.items()}
    assert states == {
        "Hemby": "stale",
        "Grannby": "stale",
        "Färskby": "up_to_date",
        "Tomby": "none",
    }


def test_the_setting_moves_the_dashboard_limit(pictures, today):
    with override_settings(LAGESBILD_STALE_MONTHS=24):
        rows = {row.municipality.name: row for row in dashboard.county_rows(pictures, today)}
    assert rows["Hemby"].picture_stale is None  # 21 months is within 24
    assert rows["Grannby"].picture_stale is not None  # a passed review date still counts


def test_the_page_flags_a_stale_lagesbild_in_words(client_of, county_officer, pictures, today):
    body = client_of(county_officer).get(_url(pictures)).content.decode()
    decided = dates.add_months(today, -21).isoformat()
    assert (
        '<td data-column="picture" data-value="stale">21 månader gammal <strong class="overdue">'
        "behöver ses över</strong>"
    ) in body
    assert f"(äldre än 12 månader, beslutad {decided})" in body
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert f"(nästa översyn var {yesterday})" in body
    assert '<td data-column="picture" data-value="up_to_date">3 månader gammal</td>' in body
    summary = "2 av 4 kommuner har en lägesbild som behöver ses över; 1 saknar gällande lägesbild."
    assert summary in body


def test_the_lagesbild_filter(client_of, county_officer, pictures):
    client = client_of(county_officer)
    assert _order(client, pictures, picture="stale") == ["Grannby", "Hemby"]
    assert _order(client, pictures, picture="up_to_date") == ["Färskby"]
    assert _order(client, pictures, picture="none") == ["Tomby"]
    assert len(_order(client, pictures, picture="nonsense")) == 4
    body = client.get(_url(pictures, picture="stale")).content.decode()
    assert '<option value="stale" selected>' in body
    assert "picture=stale" in body  # kept in the sort links and the exports


def test_the_export_has_the_lagesbild_flag(client_of, county_officer, pictures):
    response = _export(client_of(county_officer), pictures, "csv")
    rows = {
        r[0]: r
        for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    }
    with translation.override(settings.LANGUAGE_CODE):
        yes, no = str(translation.gettext("yes")), str(translation.gettext("no"))
        assert rows["Kommun"][COLUMN["stale"]] == translation.gettext("Lägesbild needs review")
    assert rows["Hemby"][COLUMN["stale"]] == yes
    assert rows["Grannby"][COLUMN["stale"]] == yes
    assert rows["Färskby"][COLUMN["stale"]] == no
    assert rows["Tomby"][COLUMN["stale"]] == ""


# --- queries -------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_municipalities(
    client_of, county_officer, home, neighbour, home_county
):
    indicator = f.IndicatorFactory()
    _fill(home, indicator=indicator)
    _fill(neighbour, indicator=indicator)
    url = _url(home_county)
    client = client_of(county_officer)

    def grow():
        for n in range(10):
            municipality = f.MunicipalityFactory(
                code=f"91{n + 10}", name=f"Växby {n}", county=home_county
            )
            _fill(municipality, indicator=indicator, overdue=n % 3, picture=_stale(n))

    assert_constant_queries(client, url, grow)
    response = client.get(url)
    assert len(response.context["rows"]) == 12


def test_selector_queries_do_not_grow(
    django_assert_num_queries, home, neighbour, home_county, today
):
    _fill(home)
    _fill(neighbour)
    with django_assert_num_queries(9):
        dashboard.county_rows(home_county, today)
    for n in range(10):
        _fill(f.MunicipalityFactory(code=f"91{n + 10}", county=home_county), picture=_stale(n))
    with django_assert_num_queries(9):
        assert len(dashboard.county_rows(home_county, today)) == 12


def test_a_lagesbild_decided_this_month_is_less_than_a_month_old(
    client_of, county_officer, home, home_county, today
):
    _fill(home, picture={"decided_on": today})
    body = client_of(county_officer).get(_url(home_county)).content.decode()
    cell = '<td data-column="picture" data-value="up_to_date">Mindre än en månad gammal</td>'
    assert cell in body


# --- the kept table ----------------------------------------------------------------------


def _row(body: str, municipality) -> str:
    start = body.index(f'<tr id="row-{municipality.code}">')
    return body[start : body.index("</tr>", start)]


def _kept_key(response) -> str:
    return make_template_fragment_key("county-dashboard-rows", [response.context["rows_digest"]])


def test_the_rows_are_kept_and_served_from_the_cache(client_of, county_officer, county, home):
    client = client_of(county_officer)
    response = client.get(_url(county))
    kept = cache.get(_kept_key(response))
    assert kept is not None and f'id="row-{home.code}"' in kept
    cache.set(_kept_key(response), kept.replace(home.name, "Från cachen"))
    assert "Från cachen" in client.get(_url(county)).content.decode()
    # another order is another table
    assert "Från cachen" not in client.get(_url(county, sort="name", dir="desc")).content.decode()


def test_a_follow_up_recorded_shows_on_the_warm_dashboard(
    client_of, county_officer, owner, county, home, today
):
    client = client_of(county_officer)
    row = _row(client.get(_url(county)).content.decode(), home)
    assert '<td data-column="overdue">2</td>' in row
    activity = Activity.objects.filter(
        pledge__municipality=home, next_follow_up__lt=today, deleted_at__isnull=True
    ).first()
    services.follow_up_record(
        user=owner,
        activity=activity,
        period_start=dt.date(today.year, 1, 1),
        period_end=today,
        status=Activity.Status.DONE,
        progress=100,
        done="Klart",
    )
    row = _row(client.get(_url(county)).content.decode(), home)
    assert '<td data-column="overdue">1</td>' in row
    assert re.search(r'<li data-status="done">[^<]*: 2</li>', row)


def test_a_pledge_status_change_shows_on_the_warm_dashboard(
    client_of, county_officer, county, neighbour
):
    client = client_of(county_officer)
    before = _row(client.get(_url(county)).content.decode(), neighbour)
    assert 'data-column="pledge" data-value="draft"' in before
    pledge = Pledge.objects.get(municipality=neighbour)
    pledge.status = Pledge.Status.IN_REVIEW
    pledge.save()  # as every service saves (a save begins the rows' new generation)
    after = _row(client.get(_url(county)).content.decode(), neighbour)
    assert 'data-column="pledge" data-value="in_review"' in after


def test_swedish_and_english_tables_are_kept_apart(county_officer, county, home):
    def row_in(language: str) -> str:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(county_officer)
        return _row(client.get(_url(county)).content.decode(), home)

    assert '<td data-column="coordination">ja</td>' in row_in("sv")
    assert '<td data-column="coordination">yes</td>' in row_in("en")
    assert '<td data-column="coordination">ja</td>' in row_in("sv")


def test_a_kept_table_costs_no_query_more(client_of, county_officer, county):
    client = client_of(county_officer)
    cold = count_queries(client, _url(county))
    # kept, neither the table nor its nine column reads cost a query
    assert count_queries(client, _url(county)) == cold - 9
