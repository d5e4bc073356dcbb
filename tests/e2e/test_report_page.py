"""A PDF of a signed agreement, asked for in the browser (issue 6): the report page
shows its progress (or the download when the render has run) and passes axe.

Without Redis the render runs at once (eager); with Redis (CI) no worker runs in
this test, so the page shows the queued state and polls. Both states are checked
by the same assertions: a status region, and either a progress bar or the download.
"""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from followup.models import Report
from tests.agreements.conftest import current_picture, draft, signed  # noqa: F401
from tests.e2e.a11y import assert_accessible


def test_a_coordinator_asks_for_the_signed_agreement_as_pdf(
    page: Page,
    log_in,
    owner,
    signed,  # noqa: F811 - the fixture imported above
    live_server,
):
    log_in(owner)
    page.goto(live_server.url + reverse("agreement-detail", args=[signed.pk]))
    assert_accessible(page)
    page.locator("#agreement-pdf").click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert page.url.endswith(reverse("report-detail", args=[report.pk]))
    download = page.locator(f'a[href="{reverse("report-download", args=[report.pk])}"]')
    progress = page.locator("progress")
    expect(download.or_(progress).first).to_be_visible()
    assert_accessible(page)
