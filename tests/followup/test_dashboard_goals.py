"""Goals against their targets on the county dashboard and in the county summary
(issue 15): a goal linked to a catalogue indicator is measured by the indicator's
latest value; a goal with a baseline and a target but no linked indicator by its own
latest result; each says which source it is, and no page claims that goals are missing
when they exist."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.models import Agreement
from councils import dates
from followup import dashboard, reports
from followup.models import Report
from tests import factories as f
from tests.followup.test_dashboard import _fill

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def _in_force(municipality) -> Agreement:
    today = dates.today()
    return f.AgreementFactory(
        municipality=municipality,
        status=Agreement.Status.SIGNED,
        signed_snapshot={"goals": []},
        start_date=today - dt.timedelta(days=100),
        end_date=today + dt.timedelta(days=200),
    )


@pytest.fixture
def county(home, neighbour, home_county):
    """Hemby: one goal linked to an indicator (1.8 against 2.00, lower is better).
    Grannby: two goals of its own with baseline and target, none linked (as Uppsala's)."""
    _fill(home)
    agreement = _in_force(neighbour)
    f.GoalFactory(
        agreement=agreement,
        text="Färre anmälda inbrott",
        indicator_name="Anmälda bostadsinbrott per 1 000 invånare",
        indicator_unit="per 1 000",
        baseline_value=Decimal("6.00"),
        target_value=Decimal("4.00"),
        latest_value=Decimal("4.50"),
        latest_year=2025,
        order=1,
    )
    f.GoalFactory(
        agreement=agreement,
        text="Fler känner sig trygga i centrum",
        indicator_name="Andel trygga i centrum",
        indicator_unit="procent",
        baseline_value=Decimal("60.00"),
        target_value=Decimal("70.00"),
        latest_value=Decimal("72.00"),
        latest_year=2025,
        order=2,
    )
    # a goal with neither a target nor an indicator is not measurable
    f.GoalFactory(agreement=agreement, text="Bättre samverkan", target_value=None, order=3)
    return home_county


def _rows(county):
    return {row.municipality.name: row for row in dashboard.county_rows(county, dates.today())}


def test_both_kinds_of_goal_are_measured_and_say_their_source(county):
    rows = _rows(county)
    (linked,) = rows["Hemby"].goals
    assert (linked.value, linked.year, linked.target) == (Decimal("1.8"), 2025, Decimal("2.00"))
    assert linked.source == dashboard.INDICATOR and linked.on_track is True

    burglaries, safe = rows["Grannby"].goals
    assert burglaries.goal == "Färre anmälda inbrott" and burglaries.source == dashboard.GOAL
    assert (burglaries.value, burglaries.year) == (Decimal("4.50"), 2025)
    assert burglaries.lower_is_better and burglaries.on_track is False  # 4,5 > 4
    assert safe.value == Decimal("72.00") and not safe.lower_is_better
    assert safe.on_track is True  # 72 ≥ 70


def test_the_dashboard_shows_every_goal_against_its_target(client_of, county, county_officer):
    page = client_of(county_officer).get(reverse("county-dashboard", args=[county.code]))
    html = page.content.decode()
    cell = html.split('id="row-9102"')[1].split('data-column="indicator">')[1].split("</td>")[0]
    assert "Anmälda bostadsinbrott per 1 000 invånare: 4,5" in cell
    assert "Andel trygga i centrum: 72" in cell
    assert cell.count('data-source="goal"') == 2
    assert "målets eget senaste resultat" in cell
    assert cell.strip() != "–"
    hemby = html.split('id="row-9101"')[1].split('data-column="indicator">')[1].split("</td>")[0]
    assert 'data-source="indicator"' in hemby and "indikatorkatalogen" in hemby


def test_the_summary_never_says_goals_are_missing_when_they_exist(county, neighbour):
    report = Report(kind=Report.Kind.COUNTY_SUMMARY, object_id=county.pk, parameters={"year": 2026})
    pdf = reports.render(report)
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Ingamätbaramål" not in text
    assert "Färreanmäldainbrott" in text and "Flerkännersigtryggaicentrum" in text
    assert "källa:måletsegetsenasteresultat" in text
    assert "källa:indikatorkatalogen" in text
    assert "Bättresamverkan" not in text  # not measurable: no target, no indicator


# --- the exports: semicolons and a BOM, typed cells, a descriptive name ------------------


def _export(client, county, fmt):
    return client.get(reverse("county-dashboard-export", args=[county.code, fmt]))


def test_the_csv_export_says_the_source_and_is_named_in_words(client_of, county, county_officer):
    response = _export(client_of(county_officer), county, "csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="lansoversikt-hemlan-2026-06-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert len(header) > 10 and all(";" not in cell for cell in header)
    source = header.index("Källa för värdet")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Grannby"][source] == "målets eget senaste resultat"
    assert by_name["Hemby"][source] == "indikatorkatalogen"


def test_the_xlsx_export_has_typed_cells(client_of, county, county_officer):
    response = _export(client_of(county_officer), county, "xlsx")
    assert 'filename="lansoversikt-hemlan-2026-06-15.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    grannby = rows["Grannby"]
    for column in ("Dagar kvar", "Senaste värde", "År", "Målvärde"):
        cell = grannby[header.index(column)]
        assert cell.data_type == "n" and cell.value is not None, column
    assert grannby[header.index("Senaste värde")].value == 4.5
    assert grannby[header.index("Kommun")].data_type == "s"
