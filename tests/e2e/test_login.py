"""Logging in: the login page, its errors and where a successful login lands."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.factories import PASSWORD


def submit_login(page: Page, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()


def test_anonymous_visit_to_start_redirects_to_swedish_login(page: Page, live_server):
    page.goto("/")

    assert page.url == f"{live_server.url}/accounts/login/?next=/"
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.locator("main input[name=next]")).to_have_value("/")
    assert_accessible(page)


def test_wrong_password_focuses_the_error_summary(page: Page, owner):
    page.goto("/accounts/login/?next=/")
    submit_login(page, "owner", "not-the-password")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    expect(summary.get_by_role("heading", level=2)).to_be_visible()
    expect(summary.locator("li")).to_have_count(1)
    # The form comes back with what the user typed, the password cleared.
    expect(page.locator("#id_username")).to_have_value("owner")
    expect(page.locator("#id_password")).to_have_value("")
    assert page.url.endswith("/accounts/login/")
    assert_accessible(page)


def test_missing_password_is_said_inline_and_linked_from_the_summary(page: Page, owner):
    page.goto("/accounts/login/?next=/")
    submit_login(page, "owner", "")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    inline = page.locator("#id_password_error")
    expect(inline).to_be_visible()
    password = page.locator("#id_password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bid_password_error\b"))
    # The summary says the same thing as the inline error, and its link leads to the field.
    link = summary.locator("a[href='#id_password']")
    expect(link).to_have_count(1)
    hidden_prefix = inline.locator(".visually-hidden").text_content() or ""
    inline_words = (inline.text_content() or "").replace(hidden_prefix, "", 1).strip()
    assert inline_words
    assert inline_words in (link.text_content() or "")
    assert_accessible(page)

    link.click()
    expect(password).to_be_focused()


def test_login_lands_on_the_start_page_with_municipality_and_role(
    page: Page, live_server, owner, home_org
):
    page.goto("/")
    submit_login(page, "owner", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    # the start page ("Att göra") has a part for each role the user holds
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    expect(page.locator("section[aria-labelledby=coordinator-heading]")).to_be_visible()
    expect(page.locator("section[aria-labelledby=police-heading]")).to_have_count(0)
    municipalities = page.locator("section[aria-labelledby=municipalities-heading] table")
    row = municipalities.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text("Hemby")
    expect(row).to_contain_text("Hemlän")
    assert_accessible(page)
