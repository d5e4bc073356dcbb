"""A search in the browser: from the header's field to the grouped results and on to
a result, and a resident's search of the published pledges; axe on every page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests import factories as f
from tests.e2e.a11y import assert_accessible
from tests.pledges.public_helpers import published


def test_a_coordinator_searches_from_the_header_and_opens_a_result(log_in, owner, home):
    pledge = f.PledgeFactory(municipality=home, title="Tryggare Hemby 2027")
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring vid stationen")
    f.CouncilFactory(municipality=home, name="Trygghetsrådet Hemby")
    page: Page = log_in(owner)
    page.goto(f"/municipalities/{home.code}/pledges/")

    header_search = page.get_by_role("search", name="Sök i Samverkan")
    header_search.get_by_role("searchbox").fill("Trygghetsvandring")
    header_search.get_by_role("button", name="Sök").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sök")
    expect(page.get_by_role("status")).to_contain_text("träff")
    expect(page.get_by_role("heading", level=2, name="Aktiviteter")).to_be_visible()
    assert_accessible(page)

    page.locator("main").get_by_role("link", name="Trygghetsvandring vid stationen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tryggare Hemby 2027")
    assert_accessible(page)


def test_a_resident_searches_the_published_pledges(page: Page, home):
    published(home, title="Tryggare torg i Hemby")
    page.goto("/public/pledges/")
    header_search = page.get_by_role("search", name="Sök bland medborgarlöften")
    header_search.get_by_role("searchbox").fill("torg")
    header_search.get_by_role("button", name="Sök").click()

    expect(page.get_by_role("status")).to_have_text("1 medborgarlöfte för ”torg”.")
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Tryggare torg i Hemby").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tryggare torg i Hemby")
