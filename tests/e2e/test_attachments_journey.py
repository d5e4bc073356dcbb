"""Attachments in the browser: the secretary (a coordinator) uploads the minutes of a
meeting in place (htmx), and a resident downloads the public printed pledge; axe on
each page at 1280 and 375 px."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from attachments import services
from tests import factories as f
from tests.attachments import samples
from tests.e2e.a11y import assert_accessible
from tests.pledges.public_helpers import published


def _accessible_at_both_widths(page: Page) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)


def test_the_secretary_uploads_minutes_and_a_resident_downloads_the_printed_pledge(
    page: Page, log_in, home, owner, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = f.MeetingFactory(council=f.CouncilFactory(municipality=home, name="Trygghetsrådet"))
    minutes = tmp_path / "Protokoll 3 mars.pdf"
    minutes.write_bytes(samples.pdf())

    log_in(owner)
    page.goto(f"/meetings/{meeting.pk}/")
    section = page.locator("#attachments")
    expect(section).to_contain_text("Ingen fil är bifogad.")
    _accessible_at_both_widths(page)
    section.get_by_label("Fil", exact=True).set_input_files(str(minutes))
    section.get_by_label("Titel", exact=True).fill("Protokoll 3 mars")
    section.get_by_label("Typ", exact=True).select_option("minutes")
    section.get_by_role("button", name="Bifoga").click()
    expect(page.locator("#attachments")).to_contain_text("Bifogad: Protokoll 3 mars")
    expect(page.locator("#attachments table")).to_contain_text("Protokoll 3 mars.pdf")
    _accessible_at_both_widths(page)
    with page.expect_download() as download:
        page.locator("#attachments").get_by_role("link", name="Ladda ned Protokoll 3 mars").click()
    assert download.value.suggested_filename == "Protokoll 3 mars.pdf"
    assert open(download.value.path(), "rb").read() == samples.pdf()  # noqa: SIM115

    # a resident, not signed in, on the public pledge page
    pledge = published(home, title="Tryggare Hemby 2026")
    printed = samples.pdf_a()
    services.attach(
        pledge,
        upload=SimpleUploadedFile("tryckt.pdf", printed),
        title="Tryckt version",
        kind="other",
        public=True,
        user=owner,
    )
    page.context.clear_cookies()
    page.goto(f"/public/pledges/{pledge.pk}/")
    expect(page.locator("#attachments")).to_contain_text("Tryckt version")
    _accessible_at_both_widths(page)
    with page.expect_download() as download:
        page.locator("#attachments").get_by_role("link", name="Ladda ned Tryckt version").click()
    assert open(download.value.path(), "rb").read() == printed  # noqa: SIM115
