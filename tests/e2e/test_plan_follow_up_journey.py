"""A coordinator follows up a whole plan in one form (issue 14), on a phone and on a
desktop.

From the pledge's follow-up page to the plan's form: first sent with a mistake on one
row (the error summary takes focus and links to that row's field; nothing is saved),
then corrected and saved: every activity has its follow-up of the period. axe checks
every page and state on the way; on the phone the page never scrolls sideways.

The data is built from today (``councils.dates.today``): the browser talks to a live
server, whose clock the test does not stop.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from councils import dates
from followup.models import FollowUp
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


@pytest.fixture
def plan(home):
    year = dates.today().year
    pledge = f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    parties = [Activity.Party.MUNICIPALITY, Activity.Party.POLICE, Activity.Party.JOINT]
    activities = [
        f.ActivityFactory(
            pledge=pledge,
            title=title,
            responsible_party=party,
            cadence=Activity.Cadence.TERTIAL,
            order=n,
        )
        for n, (title, party) in enumerate(
            zip(["Trygghetsvandring", "Fotpatrull", "Föräldravandring"], parties, strict=True),
            start=1,
        )
    ]
    return pledge, activities


def _fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width}px wide"


@pytest.mark.parametrize("width", [375, 1280])
def test_coordinator_follows_up_the_whole_plan(page: Page, log_in, owner, plan, width):
    pledge, (walk, patrol, cafe) = plan
    page.set_viewport_size({"width": width, "height": 800})
    log_in(owner)
    page.goto(reverse("pledge-follow-up", args=[pledge.pk]))
    assert_accessible(page)

    page.locator("#plan-follow-up-link").click()
    form = page.locator(
        f"form[action='{reverse('plan-follow-up', args=[pledge.pk])}'][method=post]"
    )
    expect(form.locator(f"[name='a{walk.pk}-done']")).to_be_visible()
    if width < 600:
        _fits(page, width)
    assert_accessible(page)

    # --- one row with a mistake: nothing saved, the error at that row ---------------------
    page.fill(f"#id_a{walk.pk}-done", "Fyra vandringar med boende.")
    page.fill(f"#id_a{patrol.pk}-progress", "140")
    page.select_option(f"#id_a{cafe.pk}-status", Activity.Status.ONGOING)
    form.locator("button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator(f"a[href='#id_a{patrol.pk}-progress']")).to_be_visible()
    expect(page.locator(f"#id_a{patrol.pk}-progress_error")).to_be_visible()
    expect(page.locator(f"#id_a{walk.pk}-done")).to_have_value("Fyra vandringar med boende.")
    assert not FollowUp.objects.exists()
    if width < 600:
        _fits(page, width)
    assert_accessible(page)

    # --- corrected: every row saved together -----------------------------------------------
    page.fill(f"#id_a{patrol.pk}-progress", "60")
    page.check(f"#id_a{walk.pk}-published")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#activity-{walk.pk}")).to_contain_text("Fyra vandringar med boende.")
    assert_accessible(page)

    entries = {entry.activity_id: entry for entry in FollowUp.objects.all()}
    assert set(entries) == {walk.pk, patrol.pk, cafe.pk}
    assert entries[patrol.pk].progress == 60 and entries[walk.pk].published
    assert entries[cafe.pk].status == Activity.Status.ONGOING
    assert {entry.reported_by for entry in entries.values()} == {owner}
