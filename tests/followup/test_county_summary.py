"""The county summary PDF (issue 6): the data (a fixed number of queries), the PDF read
back page by page (every municipality, a table of contents whose page numbers are right,
running footers, Swedish dates), the pages turned into PNGs, hostile text, drafts kept
internal, and the views: access, reuse of a running job, a year per report."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdfium2
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import SituationalPicture
from councils import dates, exports
from councils.models import Organisation, Role
from followup import county_pdf, county_summary, reports, tasks
from followup.models import Report
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.followup.test_dashboard import _fill

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
HOSTILE = '<script>alert(1)</script><img src="http://127.0.0.1:9/x.png">'


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def county(home, neighbour, home_county):
    """Four municipalities: Hemby filled in, one with a draft pledge, two with nothing."""
    _fill(home, overdue=2)
    f.MunicipalityFactory(county=home_county, name="Åby", code="9181")
    f.MunicipalityFactory(county=home_county, name="Östra Kvarn", code="9182")
    draft = f.PledgeFactory(
        municipality=neighbour,
        title="Lokalt utkastnamn " + HOSTILE,
        status=Pledge.Status.DRAFT,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    f.ActivityFactory(pledge=draft, title="Hemlig aktivitet i utkastet")
    published = Pledge.objects.get(municipality=home)
    f.ActivityFactory(pledge=published, title="Trygghetsvandring " + HOSTILE)
    return home_county


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


def _summary_report(county, user, **fields) -> Report:
    return Report.objects.create(
        kind=Report.Kind.COUNTY_SUMMARY,
        object_id=county.pk,
        parameters={"year": 2026},
        requested_by=user,
        **fields,
    )


def _render(county, year=2026) -> bytes:
    report = Report(kind=Report.Kind.COUNTY_SUMMARY, object_id=county.pk, parameters={"year": year})
    return reports.render(report)


# --- the data ----------------------------------------------------------------------------


def test_the_summary_has_every_municipality_in_name_order(county, home):
    summary = county_summary.county_summary(county, 2026, timezone.localdate())
    names = [s.municipality.name for s in summary.sections]
    assert names == sorted(names, key=str.casefold)
    assert len(names) == 4
    hemby = next(s for s in summary.sections if s.municipality == home)
    assert hemby.published
    assert len(hemby.overdue) == 2 == hemby.row.overdue
    assert {a.title for a in hemby.activities} >= {"Trygghetsvandring " + HOSTILE}
    assert hemby.row.goals and hemby.row.goals[0].value is not None
    assert summary.totals["overdue"] == 2
    assert summary.totals["municipalities"] == 4


def test_a_draft_pledge_shows_its_status_but_not_its_activities(county, neighbour):
    summary = county_summary.county_summary(county, 2026, timezone.localdate())
    section = next(s for s in summary.sections if s.municipality == neighbour)
    assert section.pledge_title.startswith("Lokalt utkastnamn")
    assert not section.published
    assert section.activities == []
    assert section.row.activities_total == 1  # counted, as on the dashboard


def test_a_past_year_describes_its_last_day(county):
    summary = county_summary.county_summary(county, 2024, timezone.localdate())
    assert summary.day == dt.date(2024, 12, 31)
    assert all(s.pledge_title == "" for s in summary.sections)  # the pledges are of 2026


def test_the_summary_reads_a_fixed_number_of_queries(county, home_county):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            county_summary.county_summary(home_county, 2026, timezone.localdate())
        return len(captured)

    small = count()
    old = {"decided_on": dates.add_months(dates.today(), -21)}  # a lägesbild to flag
    for code in ("9183", "9184", "9185"):
        _fill(f.MunicipalityFactory(county=home_county, code=code), overdue=3, picture=old)
    assert count() == small == 14


# --- the PDF -----------------------------------------------------------------------------


def test_the_pdf_has_a_cover_contents_overview_and_a_section_per_municipality(county):
    pages = _pages(_render(county))
    total = len(pages)
    assert total >= 6  # cover, contents, overview (one page or more), two sections, a table
    cover = _flat(pages[0])
    assert _flat("Länssammanställning 2026: " + county.name) in cover
    assert _flat("Läget den 22 november 2026") in cover  # Swedish dates
    # every page but the cover has a running footer with the right page number
    for number, text in enumerate(pages, start=1):
        assert _flat(f"Sida {number} av {total}") in _flat(text), number

    contents = pages[1]
    assert "Innehåll" in contents
    summary = county_summary.county_summary(county, 2026, timezone.localdate())
    municipalities = [s.municipality.name for s in summary.reported]
    assert municipalities == ["Grannby", "Hemby"]
    assert [s.municipality.name for s in summary.nothing_to_report] == ["Åby", "Östra Kvarn"]
    municipalities.append("Kommuner utan överenskommelse eller medborgarlöfte")
    for name in municipalities:
        # the section starts on the first page whose running header names it
        first = next(
            number
            for number, text in enumerate(pages, start=1)
            if number > 3 and text.strip().splitlines()[0].endswith(name)
        )
        listed = re.search(re.escape(_flat(name)) + r"[.]*(\d+)", _flat(contents))
        assert listed, f"{name} is not in the table of contents"
        assert int(listed.group(1)) == first, (name, listed.group(1), first)


def test_the_pdf_escapes_user_text_and_keeps_drafts_internal(county):
    text = _flat("".join(_pages(_render(county))))
    assert _flat("Trygghetsvandring <script>alert(1)</script>") in text  # printed as text
    assert _flat("Hemlig aktivitet") not in text
    assert _flat("Lokalt utkastnamn") not in text  # a draft's title is internal too
    html = reports.county_summary_html(county.pk, 2026)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_fetcher_is_asked_only_for_our_fonts(county):
    fetcher = reports.StaticOnlyFetcher()
    reports.html_to_pdf(reports.county_summary_html(county.pk, 2026), fetcher)
    assert fetcher.requested
    assert all(url.startswith(reports.BASE_URL + "static/fonts/") for url in fetcher.requested)


def test_every_page_turns_into_a_png_with_ink_on_it(county, tmp_path):
    pdf = _render(county)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == len(_pages(pdf))
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        assert round(height / width, 2) == round(297 / 210, 2)  # A4 portrait
        image = page.render(scale=0.5).to_pil().convert("L")
        path = tmp_path / f"page-{index + 1}.png"
        image.save(path)
        assert path.stat().st_size > 1000
        darkest, lightest = image.getextrema()
        assert darkest < 100 < lightest, f"page {index + 1} is blank"
        # the PNG's own text layer agrees with pypdf: the page number is printed
        assert f"{index + 1}" in page.get_textpage().get_text_range()


def test_the_pdf_flags_a_lagesbild_that_needs_review(county, home, neighbour):
    """Hemby's review date passed yesterday; Grannby's lägesbild was decided 21 months
    ago and has no review date; Åby and Östra Kvarn have none."""
    today = dates.today()
    SituationalPicture.objects.filter(municipality=home).update(
        next_review=today - dt.timedelta(days=1)
    )
    decided = dates.add_months(today, -21)
    f.SituationalPictureFactory(
        municipality=neighbour, is_current=True, decided_by="KS", decided_on=decided
    )
    summary = county_summary.county_summary(county, 2026, today)
    assert summary.totals["stale_pictures"] == 2
    yesterday = (today - dt.timedelta(days=1)).isoformat()

    pages = _pages(_render(county))
    names = [s.municipality.name for s in summary.reported]

    def section(name: str) -> str:
        return _flat(next(p for p in pages[3:] if p.strip().splitlines()[0].endswith(name)))

    # the overview: the pages after the contents, before the first municipality's
    first = next(
        n for n, p in enumerate(pages) if n > 2 and p.strip().splitlines()[0].endswith(names[0])
    )
    overview = _flat("".join(pages[2:first]))
    assert _flat("2 lägesbilder som behöver ses över") in overview
    # the municipality table: name, agreement, lägesbild, pledge, …
    assert _flat("Kommun Överenskommelse Lägesbild Löfte") in overview
    assert _flat("Grannby Ingen Behöver ses över Utkast") in overview
    assert _flat("Hemby Gällande Behöver ses över") in overview
    assert _flat("Åby Ingen Ingen Ingen") in overview

    assert _flat(
        f"Lägesbilden behöver ses över: nästa översyn var {today - dt.timedelta(days=1)}"
    ) in section("Hemby")
    assert _flat("21 månader gammal") in section("Grannby")
    assert _flat(
        f"Lägesbilden behöver ses över: äldre än 12 månader, beslutad {decided.isoformat()}"
    ) in section("Grannby")
    # Åby has nothing to report: a line in the shared table, not a page of its own
    shared = section("Kommuner utan överenskommelse eller medborgarlöfte")
    assert _flat("Åby Ingen gällande lägesbild inte utsedd") in shared
    assert not any(p.strip().splitlines()[0].endswith("Åby") for p in pages)
    # the overview names the municipalities to look into, not only counts them
    assert _flat("Att uppmärksamma") in overview
    assert _flat(f"Hemby: lägesbilden behöver ses över (nästa översyn var {yesterday})") in overview
    assert _flat("Grannby: lägesbilden behöver ses över (äldre än 12 månader") in overview
    assert _flat("Hemby: 2 uppföljningar är försenade, den äldsta med 3 dagar.") in overview
    assert _flat("2 uppföljningar är försenade, den äldsta med 3 dagar.") in section("Hemby")


def test_a_fresh_lagesbild_is_not_flagged_in_the_pdf(county):
    text = _flat("".join(_pages(_render(county))))
    assert _flat("0 lägesbilder som behöver ses över") in text
    assert _flat("Hemby Gällande Aktuell") in text
    assert _flat("Behöver ses över") not in text
    assert _flat("Lägesbilden behöver ses över") not in text


# --- the task and the views ---------------------------------------------------------------


def _start(client, county, year="2026"):
    return client.post(reverse("county-report", args=[county.code]), {"year": year})


def test_the_officer_starts_the_pdf_and_it_renders_with_progress(
    client_of, county, county_officer, django_capture_on_commit_callbacks
):
    client = client_of(county_officer)
    assert client.get(reverse("county-dashboard", args=[county.code])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, county)
    report = Report.objects.get(kind=Report.Kind.COUNTY_SUMMARY)
    assert response.status_code == 302
    assert response["Location"] == reverse("report-detail", args=[report.pk])
    assert report.parameters == {"year": 2026}
    # eager Celery (no REDIS_URL) has rendered it on commit; with Redis, the worker's
    # part is played here by the task itself
    tasks.render_report(report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress) == (Report.Status.DONE, 100)
    download = client.get(reverse("report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    slug = exports.filename(county.name)
    assert f'filename="lanssammanstallning-{slug}-2026.pdf"' in download["Content-Disposition"]
    assert (
        f"filename*=UTF-8''lanssammanstallning-{slug}-2026.pdf" in (download["Content-Disposition"])
    )
    pdf = b"".join(download.streaming_content)
    assert _flat("Länssammanställning 2026") in _flat(_pages(pdf)[0])


def test_progress_moves_through_the_stages(county, county_officer, monkeypatch):
    """The parts are laid out one by one, each moving the report's progress on."""
    report = _summary_report(county, county_officer)
    seen: list[int] = []
    original = county_pdf.lay_out

    def watching(html, fetcher):
        seen.append(Report.objects.get(pk=report.pk).progress)
        return original(html, fetcher)

    county_pdf.clear_cache()
    monkeypatch.setattr(county_pdf, "lay_out", watching)
    assert tasks.render_report(report.pk) is True
    # overview, Grannby, Hemby, the shared table; then the cover and contents, the stamp
    assert seen == [50, 56, 62, 68, 75, 75], seen
    report.refresh_from_db()
    assert (report.status, report.progress) == (Report.Status.DONE, 100)


def test_the_same_request_reuses_the_running_job_but_another_year_does_not(
    client_of, county, county_officer
):
    client = client_of(county_officer)
    first = _start(client, county)
    Report.objects.update(status=Report.Status.RUNNING)  # a worker has it
    second = _start(client, county)
    other_year = _start(client, county, "2025")
    assert first["Location"] == second["Location"]
    assert other_year["Location"] != first["Location"]
    assert Report.objects.filter(kind=Report.Kind.COUNTY_SUMMARY).count() == 2


def test_a_year_outside_the_list_is_refused_in_swedish(client_of, county, county_officer):
    response = _start(client_of(county_officer), county, "1066")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ett problem" in body
    assert 'href="#id_year"' in body
    assert not Report.objects.exists()


def test_an_officer_of_another_county_gets_404_for_everything(
    client_of, county, county_officer, other_county
):
    report = _summary_report(county, county_officer, status=Report.Status.FAILED)
    board = f.OrganisationFactory(
        kind=Organisation.Kind.COUNTY_BOARD, county=other_county, municipality=None
    )
    stranger = f.UserFactory(username="annan-lansstyrelse")
    f.MembershipFactory(user=stranger, organisation=board, role=Role.COUNTY_OFFICER)
    client = client_of(stranger)
    other = reverse("county-report", args=[other_county.code])
    assert client.get(other).status_code == 200  # their own county works
    for url in (
        reverse("county-report", args=[county.code]),
        reverse("report-detail", args=[report.pk]),
        reverse("report-download", args=[report.pk]),
        reverse("report-retry", args=[report.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"year": "2026"}).status_code == 404, url


def test_a_national_reader_may_ask_for_any_county(client_of, county, national_reader):
    response = _start(client_of(national_reader), county)
    assert response.status_code == 302


def test_a_failed_county_summary_can_be_retried(
    client_of, county, county_officer, django_capture_on_commit_callbacks
):
    client = client_of(county_officer)
    report = _summary_report(
        county, county_officer, status=Report.Status.FAILED, error="Något gick fel"
    )
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Försök igen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report-retry", args=[report.pk]))
    again = Report.objects.exclude(pk=report.pk).get()
    assert response["Location"] == reverse("report-detail", args=[again.pk])
    assert again.parameters == {"year": 2026}
    tasks.render_report(again.pk)  # already done when eager: nothing to claim
    again.refresh_from_db()
    assert again.status == Report.Status.DONE


def test_the_activity_statuses_are_counted_on_the_overview(county):
    summary = county_summary.county_summary(county, 2026, timezone.localdate())
    counts = {status: n for status, _label, n in summary.activity_distribution()}
    expected = Activity.objects.filter(
        pledge__municipality__county=county, deleted_at__isnull=True
    ).count()
    assert sum(counts.values()) == expected
