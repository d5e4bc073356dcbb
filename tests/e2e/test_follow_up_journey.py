"""The coordinator records a follow-up in the browser (issue 5).

From the published pledge's editor page to its follow-up page, the form for one
activity (first with a mistake: the error summary takes focus), saved: back on the
follow-up page the activity's next follow-up date has moved by its cadence. axe
checks every page and state on the way.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from followup.models import FollowUp
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


@pytest.fixture
def published(home):
    pledge = f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    walk = f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        cadence=Activity.Cadence.QUARTERLY,
        next_follow_up=dt.date(2026, 3, 31),
        order=1,
    )
    f.ActivityFactory(pledge=pledge, title="Föräldravandring", order=2)
    return pledge, walk


def test_coordinator_records_a_follow_up_and_the_next_date_moves(
    page: Page, log_in, owner, published
):
    pledge, walk = published
    log_in(owner)
    page.goto(reverse("pledge-detail", args=[pledge.pk]))
    assert_accessible(page)

    follow_up_page = reverse("pledge-follow-up", args=[pledge.pk])
    page.locator(f"a[href='{follow_up_page}']").first.click()
    expect(page).to_have_url(f"{page.url.split('/pledges/')[0]}{follow_up_page}")
    row = page.locator(f"#activity-{walk.pk}")
    expect(row.locator(".next-follow-up")).to_contain_text("2026")
    expect(row.locator(".next-follow-up")).to_contain_text("31 mars 2026")
    assert_accessible(page)

    # --- the form, first with a mistake -----------------------------------------------
    row.locator(f"a[href='{reverse('follow-up-create', args=[walk.pk])}']").click()
    expect(page.locator("#id_period_end")).to_have_value("2026-03-31")
    assert_accessible(page)
    page.fill("#id_progress", "140")
    page.fill("#id_done", "Fyra vandringar med boende.")
    page.locator("form[action$='/follow-ups/new/'] button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a[href='#id_progress']")).to_be_visible()
    assert_accessible(page)

    # --- corrected and saved ------------------------------------------------------------
    page.fill("#id_progress", "60")
    page.select_option("#id_status", Activity.Status.ONGOING)
    page.locator("form[action$='/follow-ups/new/'] button[type=submit]").click()
    row = page.locator(f"#activity-{walk.pk}")
    expect(row.locator(".next-follow-up")).to_contain_text("30 juni 2026")
    expect(row).to_contain_text("60 %")
    assert_accessible(page)

    walk.refresh_from_db()
    assert walk.next_follow_up == dt.date(2026, 6, 30)
    assert FollowUp.objects.get().reported_by == owner
