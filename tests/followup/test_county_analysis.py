"""The county board's own analysis and the sender of the county summary (issue 15):
who writes the analysis (county officers of the county's board only), its pages with
versions and history, the logo's checks, and the PDF read back: the sender on the cover
and in the running header, the logo, the introduction and the comments, PDF/A."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from councils import access
from councils.models import Organisation, Role
from councils.validators import LOGO_MAX_BYTES
from followup import reports
from followup.models import CountyAnalysis, MunicipalityComment, Report
from tests import factories as f
from tests.followup.test_dashboard import _fill
from tests.followup.test_reports import archival_metadata

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def _png(size=(120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 79, 145)).save(buffer, format="PNG")
    return buffer.getvalue()


def _analysis_url(county, year=2026) -> str:
    return reverse("county-analysis", args=[county.code, year])


def _comment_url(county, municipality, year=2026) -> str:
    return reverse("municipality-comment", args=[county.code, year, municipality.code])


# --- who writes it -------------------------------------------------------------------


def test_only_county_officers_of_the_county_and_superusers_write_the_analysis(
    home_county, other_county, county_board, county_officer, national_reader, superuser, owner
):
    reader = f.UserFactory(username="board_reader")
    f.MembershipFactory(user=reader, organisation=county_board, role=Role.READER)
    assert access.writes_county_analysis(county_officer, home_county)
    assert access.writes_county_analysis(superuser, home_county.pk)
    assert not access.writes_county_analysis(county_officer, other_county)
    assert not access.writes_county_analysis(reader, home_county)
    assert not access.writes_county_analysis(national_reader, home_county)
    assert not access.writes_county_analysis(owner, home_county)


def test_a_reader_of_the_board_gets_404_and_no_link(client_of, home_county, county_board):
    reader = f.UserFactory(username="board_reader")
    f.MembershipFactory(user=reader, organisation=county_board, role=Role.READER)
    client = client_of(reader)
    assert client.get(_analysis_url(home_county)).status_code == 404
    dashboard = client.get(reverse("county-dashboard", args=[home_county.code]))
    assert dashboard.status_code == 200 and 'id="analysis-link"' not in dashboard.content.decode()


def test_the_officer_finds_the_page_from_the_dashboard(client_of, home_county, county_officer):
    page = client_of(county_officer).get(reverse("county-dashboard", args=[home_county.code]))
    assert _analysis_url(home_county) in page.content.decode()


# --- the pages ----------------------------------------------------------------------------


def test_the_introduction_is_saved_at_its_version_with_history(
    client_of, home_county, county_officer
):
    client = client_of(county_officer)
    url = _analysis_url(home_county)
    assert client.get(url).status_code == 200
    response = client.post(url, {"introduction": "Länet har kommit långt.", "version": ""})
    assert response.status_code == 302
    analysis = CountyAnalysis.objects.get(county=home_county, year=2026)
    assert (analysis.introduction, analysis.version) == ("Länet har kommit långt.", 1)

    client.post(url, {"introduction": "Andra versionen.", "version": "1"})
    stale = client.post(url, {"introduction": "Från en gammal flik.", "version": "1"})
    assert stale.status_code == 409
    analysis.refresh_from_db()
    assert (analysis.introduction, analysis.version) == ("Andra versionen.", 2)
    assert analysis.history.count() == 2
    assert analysis.history.first().history_user == county_officer


def test_an_overlong_introduction_is_refused_in_swedish(client_of, home_county, county_officer):
    response = client_of(county_officer).post(
        _analysis_url(home_county), {"introduction": "x" * 20_001, "version": ""}
    )
    assert response.status_code == 400
    assert "Det finns ett problem" in response.content.decode()
    assert not CountyAnalysis.objects.exists()


def test_a_comment_creates_the_analysis_and_keeps_its_version(
    client_of, home, home_county, county_officer
):
    client = client_of(county_officer)
    url = _comment_url(home_county, home)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Hemby har ett bra löfte.", "version": ""}).status_code == 302
    comment = MunicipalityComment.objects.get(municipality=home)
    assert comment.analysis.year == 2026 and comment.version == 1
    assert client.post(url, {"text": "Gammalt.", "version": "0"}).status_code == 409
    listed = client.get(_analysis_url(home_county)).content.decode()
    assert "Hemby har ett bra löfte." in listed


def test_a_municipality_of_another_county_or_a_year_out_of_range_is_404(
    client_of, home_county, away, county_officer
):
    client = client_of(county_officer)
    assert client.get(_comment_url(home_county, away)).status_code == 404
    assert client.post(_comment_url(home_county, away), {"text": "x"}).status_code == 404
    assert client.get(_analysis_url(home_county, year=1800)).status_code == 404
    assert not MunicipalityComment.objects.exists()


# --- the logo -------------------------------------------------------------------------


def _board_with(county_board, name: str, content: bytes) -> Organisation:
    county_board.logo = SimpleUploadedFile(name, content)
    return county_board


@translation.override("sv")
def test_the_logo_is_checked_by_its_content_not_its_name(county_board):
    _board_with(county_board, "logo.svg", _png()).full_clean()  # a PNG, whatever its name

    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
    with pytest.raises(ValidationError) as refused:
        _board_with(county_board, "logo.png", gif).full_clean()
    assert refused.value.message_dict["logo"] == ["Logotypen måste vara en PNG- eller SVG-bild."]

    broken = _png()[:40]
    with pytest.raises(ValidationError) as refused:
        _board_with(county_board, "logo.png", broken).full_clean()
    assert refused.value.message_dict["logo"] == ["Logotypen gick inte att läsa som en PNG-bild."]

    big = _png() + b"\0" * LOGO_MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        _board_with(county_board, "logo.png", big).full_clean()
    assert refused.value.message_dict["logo"][0].startswith("Logotypen får vara högst 512 kB")


# --- the PDF --------------------------------------------------------------------------


@pytest.fixture
def analysed(home, neighbour, home_county, county_board, county_officer):
    """Hemby filled in, with a comment; Grannby with nothing to report but a comment;
    two more with nothing at all; an introduction; the board's logo."""
    _fill(home, overdue=1)
    f.MunicipalityFactory(county=home_county, name="Åby", code="9181")
    f.MunicipalityFactory(county=home_county, name="Östra Kvarn", code="9182")
    analysis = CountyAnalysis.objects.create(
        county=home_county, year=2026, introduction="Länsstyrelsen ser en tydlig förbättring."
    )
    MunicipalityComment.objects.create(
        analysis=analysis, municipality=home, text="Hemby följer upp i tid."
    )
    MunicipalityComment.objects.create(
        analysis=analysis, municipality=neighbour, text="Grannby bör teckna en överenskommelse."
    )
    county_board.logo = SimpleUploadedFile("logo.png", _png())
    county_board.save()
    return home_county


def _pdf(county) -> bytes:
    report = Report(kind=Report.Kind.COUNTY_SUMMARY, object_id=county.pk, parameters={"year": 2026})
    fetcher = reports.StaticOnlyFetcher()
    pdf = reports.render(report, fetcher)
    assert reports.LOGO_URL in fetcher.requested
    return pdf


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_pdf_has_the_sender_the_logo_and_the_analysis(analysed):
    pdf = _pdf(analysed)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [_flat(page.extract_text()) for page in reader.pages]
    cover = pages[0]
    assert cover.startswith(_flat("Länsstyrelsen i Hemlän"))
    assert len(reader.pages[0].images) == 1  # the logo
    for page in pages[1:]:  # the running header
        assert _flat("Länsstyrelsen i Hemlän – Länssammanställning 2026") in page, page
    text = "".join(pages)
    assert _flat("Länsstyrelsens analys") in pages[1]  # in the contents
    assert _flat("Länsstyrelsen ser en tydlig förbättring.") in text
    hemby = next(p for p in pages[3:] if "Hembyföljeruppitid." in p)
    assert _flat("Länsstyrelsens kommentar") in hemby
    # Grannby has a comment, so a page of its own; Åby and Östra Kvarn share the table
    assert _flat("Grannby bör teckna en överenskommelse.") in text
    shared = next(p for p in pages if p.endswith(f"Sida{len(pages)}av{len(pages)}"))
    assert _flat("Kommuner utan överenskommelse eller medborgarlöfte") in shared
    assert "Åby" in shared and "ÖstraKvarn" in shared and "Grannby" not in shared


def test_the_county_summary_is_pdf_a_with_its_title(analysed):
    assert archival_metadata(_pdf(analysed)) == {
        "pdfaid:part": "3",
        "pdfaid:conformance": "A",
        "lang": "sv",
        "title": "Länssammanställning 2026: Hemlän",
        "tagged": True,
    }


def test_without_a_board_the_county_is_the_sender_and_there_is_no_logo(home, home_county):
    _fill(home)
    report = Report(
        kind=Report.Kind.COUNTY_SUMMARY, object_id=home_county.pk, parameters={"year": 2026}
    )
    fetcher = reports.StaticOnlyFetcher()
    reader = PdfReader(io.BytesIO(reports.render(report, fetcher)))
    assert _flat(reader.pages[0].extract_text()).startswith("Hemlän")
    assert not reader.pages[0].images
    assert reports.LOGO_URL not in fetcher.requested


def test_the_history_records_the_county_board_the_officer_acted_for(
    client_of, home, home_county, county_officer
):
    client = client_of(county_officer)
    client.post(_analysis_url(home_county), {"introduction": "Inledning.", "version": ""})
    client.post(_comment_url(home_county, home), {"text": "Kommentar.", "version": ""})
    analysis = CountyAnalysis.objects.get()
    comment = MunicipalityComment.objects.get()
    assert analysis.history.get().history_organisation == "Länsstyrelsen i Hemlän"
    assert comment.history.get().history_organisation == "Länsstyrelsen i Hemlän"


def test_one_overdue_follow_up_is_named_in_the_singular(home, home_county):
    _fill(home, overdue=1)  # three days late
    report = Report(
        kind=Report.Kind.COUNTY_SUMMARY, object_id=home_county.pk, parameters={"year": 2026}
    )
    text = "".join(
        _flat(p.extract_text()) for p in PdfReader(io.BytesIO(reports.render(report))).pages
    )
    assert _flat("Hemby: 1 uppföljning är försenad, med 3 dagar.") in text
    assert _flat("1 uppföljning är försenad, med 3 dagar.") in text
