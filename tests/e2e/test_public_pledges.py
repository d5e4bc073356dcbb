"""A resident in the browser: index, county filter, municipality, pledge; axe on each
page, the print stylesheet, and the same path with JavaScript switched off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from pledges.models import Activity
from tests import factories as f
from tests.e2e.a11y import assert_accessible
from tests.pledges.public_helpers import published


@pytest.fixture
def pledge(home, away):
    pledge = published(home, title="Tryggare Hemby 2026", area="Centrum")
    f.DialogueFactory(pledge=pledge)
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring", status=Activity.Status.DONE)
    f.ActivityFactory(
        pledge=pledge,
        title="Nattvandring",
        responsible_party=Activity.Party.PARTNER,
        partner_name="Nattvandrarna i Hemby",
        start_date=None,
        end_date=None,
        recurrence="Varje fredag kväll",
    )
    published(away, title="Tryggare Bortby 2026")
    return pledge


def test_a_resident_finds_the_pledge_of_their_municipality(page: Page, pledge):
    page.goto("/accounts/login/")
    page.locator("header").get_by_role("link", name="Medborgarlöften").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Medborgarlöften")
    assert_accessible(page)

    page.get_by_label("Län", exact=True).select_option(label="Hemlän")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("main")).not_to_contain_text("Tryggare Bortby 2026")
    assert_accessible(page)

    page.locator("main table").get_by_role("link", name="Hemby", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hemby")
    assert_accessible(page)

    page.get_by_role("link", name="Tryggare Hemby 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tryggare Hemby 2026")
    activities = page.locator("main table.public-activities")
    expect(activities).to_contain_text("Nattvandrarna i Hemby")
    expect(activities).to_contain_text("Varje fredag kväll")
    assert_accessible(page)

    page.emulate_media(media="print")
    for hidden in (".site-nav", ".language-switch", ".site-header__public", ".breadcrumbs"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(activities).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_the_pages_work_without_javascript(browser: Browser, live_server, pledge):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto("/public/pledges/")
        tab.get_by_label("Län", exact=True).select_option(label="Hemlän")
        tab.get_by_role("button", name="Visa").click()
        assert "county=91" in tab.url
        tab.get_by_role("link", name="Tryggare Hemby 2026").click()
        expect(tab.locator("main")).to_contain_text("Trygghetsvandring")
    finally:
        context.close()
