"""The county board's yearly report (issue 21): an XLSX workbook, one sheet per part,
opened with openpyxl; who may download it; the year chooser and its errors; nothing
internal; a query count that does not grow with the number of municipalities.

The clock is frozen on 15 June 2026; the default year is 2025."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement
from councils import dates
from followup import yearly_report
from followup.models import CountyAnalysis, MunicipalityComment
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.queries import assert_constant_queries

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
SHEETS = [
    "Översikt",
    "Lagens krav",
    "Överenskommelser",
    "Medborgarlöften",
    "Indikatorer och mål",
    "Länets analys",
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(county, **params) -> str:
    url = reverse("county-yearly-report", args=[county.code])
    return f"{url}?{urlencode(params)}" if params else url


def _fill(municipality, year: int, *, draft_title: str = "") -> Pledge:
    """A signed agreement over ``year`` with a measured goal, a current lägesbild, a
    coordination function, an action plan, a council meeting in the year, a published
    pledge of the year with three activities (two followed up) and, if
    ``draft_title``, a draft pledge and a draft agreement of the year too."""
    agreement = f.AgreementFactory(
        municipality=municipality,
        title=f"Överenskommelse {municipality.name}",
        status=Agreement.Status.SIGNED,
        signed_snapshot={"goals": []},
        start_date=dt.date(year - 1, 1, 1),
        end_date=dt.date(year + 2, 12, 31),
        municipality_signed_on=dt.date(year - 1, 1, 10),
        police_signed_on=dt.date(year - 1, 1, 12),
    )
    goal = f.GoalFactory(agreement=agreement, text="Färre bränder", target_value=Decimal("2.00"))
    link = f.GoalIndicatorFactory(goal=goal)
    f.IndicatorValueFactory(
        indicator=link.indicator, municipality=municipality, year=year, value=Decimal("1.8")
    )
    picture = f.SituationalPictureFactory(
        municipality=municipality, is_current=True, decided_on=dt.date(year, 3, 1)
    )
    f.ActionPlanFactory(
        municipality=municipality,
        picture=picture,
        decided_by="Kommunfullmäktige",
        decided_on=dt.date(year, 3, 20),
        valid_from=dt.date(year, 4, 1),
        valid_until=dt.date(year + 1, 12, 31),
    )
    f.CoordinationFunctionFactory(municipality=municipality)
    council = f.CouncilFactory(municipality=municipality)
    f.MeetingFactory(council=council, held_on=dt.date(year, 10, 2))
    pledge = f.PledgeFactory(
        municipality=municipality,
        title=f"Medborgarlöfte {municipality.name} {year}",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    for status, followed in (
        (Activity.Status.DONE, True),
        (Activity.Status.ONGOING, True),
        (Activity.Status.PLANNED, False),
    ):
        activity = f.ActivityFactory(pledge=pledge, status=status)
        if followed:
            f.FollowUpFactory(
                activity=activity,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 4, 30),
                obstacles="HEMLIGT HINDER",
            )
    if draft_title:
        draft = f.PledgeFactory(
            municipality=municipality,
            title=draft_title,
            status=Pledge.Status.DRAFT,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )
        f.ActivityFactory(pledge=draft, title=draft_title)
        f.PledgeCommentFactory(pledge=pledge, text="HEMLIG KOMMENTAR")
        f.AgreementFactory(
            municipality=municipality,
            title=draft_title,
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year + 3, 12, 31),
        )
    return pledge


def _book(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _day(cell) -> dt.date:
    """A date cell as openpyxl reads it (a datetime at midnight) as a date."""
    return cell.date()


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _by_header(sheet) -> list[dict]:
    rows = _rows(sheet)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_report_has_a_sheet_per_part_with_their_content(
    client_of, county_officer, home, neighbour, home_county
):
    _fill(home, 2025, draft_title="HEMLIGT UTKAST")
    CountyAnalysis.objects.create(county=home_county, year=2025, introduction="Året i länet.")
    analysis = CountyAnalysis.objects.get(county=home_county, year=2025)
    MunicipalityComment.objects.create(analysis=analysis, municipality=home, text="Bra arbete.")

    response = client_of(county_officer).get(_url(home_county, year=2025))
    book = _book(response)

    assert book.sheetnames == SHEETS
    assert yearly_report.filename(home_county, 2025) == (
        "arsrapport-brottsforebyggande-arbete-hemlan-2025"
    )
    assert (
        'filename="arsrapport-brottsforebyggande-arbete-hemlan-2025.xlsx"'
        in response["Content-Disposition"]
    )

    overview = {row[0]: row[1] for row in _rows(book["Översikt"])[1:]}
    assert overview["År"] == 2025
    assert _day(overview["Läget den"]) == dt.date(2025, 12, 31)  # a past year: its last day
    assert overview["Kommuner"] == 2
    assert overview["Gällande överenskommelser"] == 1

    duties = {row["Kommun"]: row for row in _by_header(book["Lagens krav"])}
    assert duties[home.name]["Beslutad åtgärdsplan"] == "ja"
    assert duties[home.name]["Åtgärdsplanen beslutad av"] == "Kommunfullmäktige"
    assert duties[home.name]["Gällande samverkansöverenskommelse"] == "ja"
    assert duties[home.name]["Dagar kvar"] == (dt.date(2027, 12, 31) - dt.date(2025, 12, 31)).days
    assert _day(duties[home.name]["Senaste rådsmöte"]) == dt.date(2025, 10, 2)
    assert duties[neighbour.name]["Beslutad åtgärdsplan"] == "nej"
    assert duties[neighbour.name]["Gällande samverkansöverenskommelse"] == "nej"
    assert duties[neighbour.name]["Rådsmöte under de senaste 12 månaderna"] == "nej"

    agreements = _by_header(book["Överenskommelser"])
    signed = [a for a in agreements if a["Överenskommelse"]]
    assert [a["Överenskommelse"] for a in signed] == [f"Överenskommelse {home.name}"]
    assert _day(signed[0]["Startdatum"]) == dt.date(2024, 1, 1)
    assert _day(signed[0]["Slutdatum"]) == dt.date(2027, 12, 31)
    assert signed[0]["Fas"] == "gällande"
    unsigned = [a for a in agreements if not a["Överenskommelse"]]
    assert [(a["Fas"], a["Startdatum"]) for a in unsigned] == [("utkast", None)]

    pledges = _by_header(book["Medborgarlöften"])
    published = next(p for p in pledges if p["Medborgarlöfte"])
    assert published["Medborgarlöfte"] == f"Medborgarlöfte {home.name} 2025"
    assert published["Aktiviteter"] == 3
    assert published["Uppföljda aktiviteter under året"] == 2
    assert published["Uppföljningsgrad (%)"] == 67
    draft = next(p for p in pledges if not p["Medborgarlöfte"])
    assert draft["Status"] == "utkast"
    assert draft["Aktiviteter"] == 1 and draft["Period från"] is None

    goals = _by_header(book["Indikatorer och mål"])
    assert [(g["Kommun"], g["Mål"], g["Senaste värde"], g["Målvärde"]) for g in goals] == [
        (home.name, "Färre bränder", 1.8, 2)
    ]

    analysis_rows = _rows(book["Länets analys"])
    assert analysis_rows[1] == ["Hela länet", home_county.code, "Året i länet."]
    assert [home.name, home.code, "Bra arbete."] in analysis_rows
    assert [neighbour.name, neighbour.code, None] in analysis_rows or [
        neighbour.name,
        neighbour.code,
        "",
    ] in analysis_rows

    text = "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    for secret in ("HEMLIGT UTKAST", "HEMLIG KOMMENTAR", "HEMLIGT HINDER"):
        assert secret not in text


def test_the_default_year_is_the_previous_one_and_the_page_offers_it(
    client_of, national_reader, home_county
):
    client = client_of(national_reader)
    page = client.get(_url(home_county))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<option value="2025" selected>2025</option>' in body
    assert '<option value="2027"' not in body and '<option value="2014"' not in body
    assert yearly_report.default_year(dates.today()) == 2025
    # the dashboard offers it too, beside the PDF form (ids differ)
    dashboard = client.get(reverse("county-dashboard", args=[home_county.code])).content.decode()
    assert 'id="yearly-report-form"' in dashboard and 'id="yearly-report-year"' in dashboard
    book = _book(client.get(_url(home_county, year=2026)))
    overview = {row[0]: row[1] for row in _rows(book["Översikt"])[1:]}
    assert _day(overview["Läget den"]) == dt.date(2026, 6, 15)  # this year: today


BAD_YEARS = ["2014", "2027", "abc", "", "2025.5", "٢٠٢٥", "9" * 400, "-1", "2025 OR 1=1"]


def test_a_bad_year_gets_a_swedish_error_never_a_file(client_of, county_officer, home_county):
    client = client_of(county_officer)
    for year in BAD_YEARS:
        response = client.get(_url(home_county, year=year))
        assert response.status_code == 400, year
        assert response["Content-Type"].startswith("text/html"), year
        body = response.content.decode()
        assert "Det finns ett problem" in body, year
        assert "Välj ett år från 2015 till 2026." in body or "Välj året rapporten gäller." in body
    # a NUL in the address is refused before the view, still without a server error
    assert client.get(_url(home_county, year="2025\x00")).status_code == 400


def test_who_may_download_it(client, client_of, county_officer, outsider, liaison, home_county):
    url = _url(home_county, year=2025)
    assert client.get(url).status_code == 302  # to the login page
    assert client_of(outsider).get(url).status_code == 404
    assert client_of(liaison).get(url).status_code == 404  # police: not the county's board
    assert client_of(county_officer).post(url).status_code == 405
    other = f.CountyFactory(code="99", name="Annat län")
    assert client_of(county_officer).get(_url(other, year=2025)).status_code == 404


def test_queries_do_not_grow_with_the_number_of_municipalities(
    client_of, county_officer, home, neighbour, home_county
):
    _fill(home, 2025, draft_title="Utkast")
    _fill(neighbour, 2025)
    CountyAnalysis.objects.create(county=home_county, year=2025, introduction="Inledning")
    client = client_of(county_officer)

    def grow():
        for n in range(6):
            municipality = f.MunicipalityFactory(
                code=f"92{n + 10}", name=f"Tillväxby {n}", county=home_county
            )
            _fill(municipality, 2025, draft_title="Utkast" if n % 2 else "")

    assert_constant_queries(client, _url(home_county, year=2025), grow)
    book = _book(client.get(_url(home_county, year=2025)))
    assert len(_rows(book["Lagens krav"])) == 1 + 8


def test_text_cells_are_never_formulas(client_of, county_officer, home, home_county):
    pledge = _fill(home, 2025)
    Pledge.objects.filter(pk=pledge.pk).update(title='=HYPERLINK("http://x")')
    book = _book(client_of(county_officer).get(_url(home_county, year=2025)))
    titles = [row["Medborgarlöfte"] for row in _by_header(book["Medborgarlöften"])]
    assert titles == ['\'=HYPERLINK("http://x")']
