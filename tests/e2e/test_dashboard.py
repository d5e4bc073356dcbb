"""The county officer's dashboard journeys (issue 6): open the county dashboard, sort by
a column, filter to the municipalities with overdue follow-ups, and drill down to one
municipality; filter, start the county summary PDF, watch its progress and download it.
axe checks every state.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from councils import exports
from followup import tasks
from followup.models import Report
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


def test_county_officer_sorts_filters_and_drills_down(
    page: Page, log_in, county_officer, home, neighbour, live_server
):
    today = timezone.localdate()
    pledge = f.PledgeFactory(
        municipality=home,
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    f.ActivityFactory(
        pledge=pledge, status=Activity.Status.ONGOING, next_follow_up=today - dt.timedelta(days=5)
    )
    f.CoordinationFunctionFactory(municipality=neighbour)

    log_in(county_officer)
    page.goto(live_server.url + reverse("dashboard-index"))
    assert_accessible(page)
    dashboard_url = reverse("county-dashboard", args=[home.county.code])
    page.locator(f"a[href='{dashboard_url}']").click()
    rows = page.locator("#dashboard-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_id(f"row-{neighbour.code}")  # Grannby before Hemby
    expect(page.locator("svg[role='img']")).to_have_count(2)
    assert_accessible(page)

    page.locator("#sort-overdue").click()  # ascending
    expect(page.locator("th[data-column='overdue']")).to_have_attribute("aria-sort", "ascending")
    page.locator("#sort-overdue").click()  # descending
    expect(page.locator("th[data-column='overdue']")).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_have_id(f"row-{home.code}")
    assert_accessible(page)

    page.locator("#id_overdue").check()
    page.locator("#apply-filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_id(f"row-{home.code}")
    expect(page.locator("#id_overdue")).to_be_checked()
    assert_accessible(page)

    detail = reverse("municipality-detail", args=[home.code])
    rows.first.locator(f"a[href='{detail}']").click()
    expect(page).to_have_url(live_server.url + detail)
    assert_accessible(page)


def test_county_officer_filters_starts_the_county_pdf_watches_it_and_downloads_it(
    page: Page, log_in, county_officer, colleague, home, neighbour, live_server, settings, tmp_path
):
    """A colleague at the county board already asked for this year's summary: the
    officer's request reuses it, the page shows its progress bar and polls; when the
    render has run (as a worker would), the download link replaces the bar."""
    settings.MEDIA_ROOT = tmp_path / "media"
    year = timezone.localdate().year
    running = Report.objects.create(
        kind=Report.Kind.COUNTY_SUMMARY,
        object_id=home.county.pk,
        parameters={"year": year},
        requested_by=county_officer,
    )
    log_in(county_officer)
    page.goto(live_server.url + reverse("county-dashboard", args=[home.county.code]))
    page.locator("#id_pledge").select_option("none")
    page.locator("#apply-filter").click()
    expect(page.locator("#dashboard-table tbody tr")).to_have_count(2)
    assert_accessible(page)

    page.locator("#id_year").select_option(str(year))
    page.locator("#start-county-report").click()
    page.wait_for_url(f"**{reverse('report-detail', args=[running.pk])}")
    progress = page.locator("#report-progress")
    expect(progress).to_have_attribute("value", "0")
    assert_accessible(page)

    assert tasks.render_report(running.pk) is True
    download_link = page.locator(f"a[href='{reverse('report-download', args=[running.pk])}']")
    expect(download_link).to_be_visible(timeout=10_000)  # the page polls every 2 s
    expect(progress).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as info:
        download_link.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    first_page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert home.county.name in first_page
    expected = exports.filename("lanssammanstallning", home.county.name, year) + ".pdf"
    assert info.value.suggested_filename == expected


def test_county_officer_reads_a_chart_as_a_table_and_writes_the_analysis(
    page: Page, log_in, county_officer, home, live_server
):
    log_in(county_officer)
    page.goto(live_server.url + reverse("county-dashboard", args=[home.county.code]))
    phase = page.locator("#chart-phase")
    expect(phase.locator("h3")).to_have_text("Samverkansöverenskommelser efter fas")
    table = page.locator("#chart-phase-table")
    expect(table).to_be_hidden()
    phase.locator("summary").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(6)
    assert_accessible(page)

    page.locator("#analysis-link").click()
    year = timezone.localdate().year
    expect(page).to_have_url(
        live_server.url + reverse("county-analysis", args=[home.county.code, year])
    )
    assert_accessible(page)
    page.get_by_label("Inledning").fill("Länet har kommit långt i år.")
    page.get_by_role("button", name="Spara inledningen").click()
    expect(page.get_by_label("Inledning")).to_have_value("Länet har kommit långt i år.")

    page.locator(f"#comment-{home.code} a").click()
    assert_accessible(page)
    page.get_by_label("Kommentar").fill("Hemby följer upp i tid.")
    page.get_by_role("button", name="Spara kommentaren").click()
    expect(page.locator(f"#comment-{home.code}")).to_contain_text("Hemby följer upp i tid.")
    assert_accessible(page)
