"""The coordinator's pledge editor in the browser (issue 4).

A coordinator opens this year's draft pledge, changes its public text in place, edits
an activity row in place (first with a mistake), reorders two rows, removes one and
undoes the removal, adds a new row, records a dialogue and sends the pledge for review.
Every change swaps one part of the page: the page itself never reloads until the
pledge is sent. A second coordinator, in a browser of their own, saves a stale row and
gets the conflict inside that row. axe checks every state on the way.

Selectors lean on ids, names and hrefs, never on translated text.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pledges.models import Activity, Pledge
from tests import factories as f
from tests.e2e.a11y import assert_accessible


@pytest.fixture
def draft(home, region):
    youth = f.RegionalThemeFactory(police_region=region, code="unga", title="Färre unga i riskzon")
    exit_ = f.RegionalThemeFactory(police_region=region, code="avhopp", title="Avhopparverksamhet")
    pledge = f.PledgeFactory(municipality=home, title="Medborgarlöfte Hemby 2026")
    walk = f.ActivityFactory(pledge=pledge, title="Trygghetsvandring", order=1)
    parents = f.ActivityFactory(pledge=pledge, title="Föräldravandring", order=2, type="social")
    walk.themes.set([youth])
    parents.themes.set([exit_])
    return pledge, walk, parents


def not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"


def test_coordinator_edits_the_activity_plan_in_place_and_submits(page: Page, log_in, owner, draft):
    pledge, walk, parents = draft
    log_in(owner)
    page.goto(f"/pledges/{pledge.pk}/")
    assert_accessible(page)
    page.evaluate("window.__marker = 1")
    rows = page.locator("#activity-rows > tr")

    # --- the public text, in place ----------------------------------------------------
    page.locator("#section-text a.edit-link").click()
    expect(page.locator("#id_public_text")).to_be_focused()
    assert_accessible(page)
    page.fill("#id_public_text", "Vi lovar fler vuxna ute på kvällarna.")
    page.locator("#section-text button[type=submit]").click()
    expect(page.locator("#section-text")).to_contain_text("fler vuxna ute")
    expect(page.locator("#section-text form")).to_have_count(0)

    # --- a row as a form, a mistake, then saved ---------------------------------------
    row = page.locator(f"#activity-{walk.pk}")
    row.locator("a[href$='/edit/']").click()
    expect(page.locator(f"#id_activity-{walk.pk}-title")).to_be_focused()
    assert_accessible(page)
    page.fill(f"#id_activity-{walk.pk}-title", "")
    row.locator("button[type=submit]").click()
    expect(row.locator("[data-error-summary]")).to_be_focused()
    expect(row.locator(f"a[href='#id_activity-{walk.pk}-title']")).to_be_visible()
    assert_accessible(page)
    page.fill(f"#id_activity-{walk.pk}-title", "Trygghetsvandring i centrum")
    row.locator("button[type=submit]").click()
    expect(row.get_by_role("rowheader")).to_contain_text("Trygghetsvandring i centrum")
    expect(row.locator("form[action$='/edit/']")).to_have_count(0)
    expect(rows).to_have_count(2)
    not_reloaded(page)

    # --- cancel brings the row back as it was --------------------------------------------
    row.locator("a[href$='/edit/']").click()
    expect(row.locator("form[action$='/edit/']")).to_be_visible()
    row.locator(f"a[hx-get='/activities/{walk.pk}/']").click()
    expect(row.locator("form[action$='/edit/']")).to_have_count(0)

    # --- reorder: the second row moves up, focus stays on its move button ---------------
    page.locator(f"#activity-{parents.pk}-up").click()
    expect(rows.first).to_have_id(f"activity-{parents.pk}")
    expect(page.locator(f"#activity-{parents.pk}-down")).to_be_focused()
    assert_accessible(page)
    not_reloaded(page)

    # --- remove with confirmation, then undo -----------------------------------------
    row.locator("a[href$='/delete/']").click()
    expect(row.locator("button.button--warning")).to_be_focused()
    assert_accessible(page)
    row.locator("button.button--warning").click()
    expect(row).to_have_class("activity activity--deleted")
    # the submit panel now names the theme that lost its only activity
    expect(page.locator("#submit-panel")).to_contain_text("Färre unga i riskzon")
    expect(row.locator("button[type=submit]")).to_be_focused()
    assert_accessible(page)
    row.locator("button[type=submit]").click()
    expect(row).to_have_class("activity")
    expect(page.locator("#submit-panel")).not_to_contain_text("Färre unga i riskzon")
    not_reloaded(page)

    # --- a new row at the end ------------------------------------------------------------
    page.locator("#activities a[href$='/activities/new/']").click()
    expect(page.locator("#id_activity-new-title")).to_be_focused()
    assert_accessible(page)
    page.fill("#id_activity-new-title", "Nattvandring")
    page.select_option("#id_activity-new-type", "social")
    page.select_option("#id_activity-new-responsible_party", "joint")
    page.fill("#id_activity-new-recurrence", "Varje fredag kväll")
    page.locator("#activity-new button[type=submit]").click()
    expect(rows).to_have_count(3)
    expect(rows.last.get_by_role("rowheader")).to_contain_text("Nattvandring")
    expect(page.locator("#activity-new")).to_have_count(0)
    # the row that was last gets its "move down" at once, without a reload
    expect(page.locator(f"#activity-{walk.pk}-down")).to_be_visible()
    expect(rows.last.locator("button[id$='-down']")).to_have_count(0)
    expect(page.locator("template")).to_have_count(0)

    # --- a dialogue ----------------------------------------------------------------------
    page.locator("#dialogues a.edit-link").click()
    assert_accessible(page)
    page.select_option("#id_dialogue-kind", "citizen")
    page.fill("#id_dialogue-held_on", "2025-09-14")
    page.fill("#id_dialogue-summary", "Oro vid resecentrum kvällstid.")
    page.locator("#dialogues button[type=submit]").click()
    expect(page.locator("#dialogues li")).to_have_count(1)
    assert_accessible(page)
    not_reloaded(page)

    # --- send for review (the panel came back out of band, its form intact) ------------
    expect(page.locator("#submit-panel form button[type=submit]")).to_have_count(1)
    expect(page.locator("template")).to_have_count(0)
    page.locator("#submit-panel button[type=submit]").click()
    expect(page.locator("main .status--in_review")).to_be_visible()
    expect(page.locator("#activities a[href$='/edit/']")).to_have_count(0)
    assert_accessible(page)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.IN_REVIEW
    assert pledge.activities.filter(deleted_at__isnull=True).count() == 3


def test_a_stale_row_shows_the_conflict_inside_the_row(
    open_page, log_in, page: Page, owner, home_org, draft, live_server
):
    from django.test import Client

    pledge, walk, _parents = draft
    other = f.UserFactory(username="kollega")
    f.MembershipFactory(user=other, organisation=home_org, role="coordinator")
    log_in(owner)
    second = open_page()
    client = Client()
    client.force_login(other)
    second.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for each in (page, second):
        each.goto(f"/pledges/{pledge.pk}/")
        each.locator(f"#activity-{walk.pk} a[href$='/edit/']").click()
        expect(each.locator(f"#id_activity-{walk.pk}-title")).to_be_visible()

    page.fill(f"#id_activity-{walk.pk}-title", "Förstas titel")
    page.locator(f"#activity-{walk.pk} button[type=submit]").click()
    expect(page.locator(f"#activity-{walk.pk}").get_by_role("rowheader")).to_contain_text(
        "Förstas titel"
    )

    row = second.locator(f"#activity-{walk.pk}")
    second.fill(f"#id_activity-{walk.pk}-title", "Andras titel")
    row.locator("button[type=submit]").click()
    expect(row.locator(".conflict__table")).to_contain_text("Förstas titel")
    expect(row.locator(".conflict__table")).to_contain_text("Andras titel")
    expect(row.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(second)
    assert Activity.objects.get(pk=walk.pk).title == "Förstas titel"
