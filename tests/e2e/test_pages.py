"""Signed-in journeys: keyboard, language, the municipality and organisation pages, phones."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from councils.models import Role
from tests.e2e.a11y import assert_accessible


@pytest.fixture
def owner_page(log_in, owner) -> Page:
    return log_in(owner)


@pytest.mark.parametrize("path", ["/accounts/login/", "/"], ids=["login", "start"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page: Page, log_in, owner, path):
    if path == "/":
        log_in(owner)
    page.goto(path)
    skip_link = page.locator("a.skip-link")

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport(ratio=1)
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1, box
    assert_accessible(page)

    page.keyboard.press("Enter")

    main = page.locator("main#main")
    expect(main).to_be_focused()
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # Focus has left the skip link, so it hides again.
    expect(skip_link).not_to_be_focused()
    expect(skip_link).not_to_be_in_viewport()


def test_language_switch_changes_lang_and_text(owner_page: Page):
    page = owner_page
    page.goto("/")
    html = page.locator("html")
    switch = page.locator("form.language-switch")
    expect(html).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()

    switch.get_by_role("combobox").select_option("en")
    switch.locator("button[type=submit]").click()

    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("To do")
    expect(switch.get_by_role("combobox")).to_have_value("en")
    assert page.url.endswith("/")
    assert_accessible(page)

    switch.get_by_role("combobox").select_option("sv")
    switch.locator("button[type=submit]").click()

    expect(html).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert_accessible(page)


def test_municipality_detail_from_the_start_page(owner_page: Page, live_server, home):
    page = owner_page
    page.goto("/")
    page.locator("main table").get_by_role("link", name="Hemby").click()

    expect(page).to_have_url(f"{live_server.url}/municipalities/9101/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hemby")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("9101")
    expect(facts).to_contain_text("Hemlän")
    expect(page.locator("main ul.tags li")).not_to_have_count(0)
    assert_accessible(page)


def test_my_organisations_from_the_main_menu(owner_page: Page, live_server, home_org):
    page = owner_page
    page.goto("/")
    page.locator("nav.site-nav a[href='/accounts/organisations/']").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/organisations/")
    expect(page.locator("nav.site-nav a[aria-current=page]")).to_have_attribute(
        "href", "/accounts/organisations/"
    )
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text("Hemby kommun")
    with translation.override("sv"):
        role = str(Role.COORDINATOR.label)
    expect(row).to_contain_text(role[0].upper() + role[1:])
    assert_accessible(page)


def test_start_page_fits_a_phone_without_horizontal_scroll(owner_page: Page, home):
    page = owner_page
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/")
    expect(page.locator("main table")).to_be_visible()

    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= 375, f"the page scrolls sideways on a phone: {scroll_width}px wide"
    assert_accessible(page)
