"""The county officer's dashboard journey (issue 6): open the county dashboard, sort by
a column, filter to the municipalities with overdue follow-ups, and drill down to one
municipality. axe checks every state.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

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
