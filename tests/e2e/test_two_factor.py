"""Two-factor authentication in the browser: set it up from the account pages with the
QR code's key, log out, and log in again with the password and a code from the "app"
(django-otp's own TOTP function on the key the page showed)."""

from __future__ import annotations

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.test_login import submit_login
from tests.factories import PASSWORD


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``secret``; a code is accepted once, so the
    next login uses the following time step's code (django-otp accepts one step of drift)."""
    return f"{totp(base64.b32decode(secret), drift=steps_ahead):06d}"


def test_set_up_two_factor_and_log_in_with_a_code(page: Page, live_server, owner, home_org):
    page.goto("/accounts/login/")
    submit_login(page, "owner", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")

    page.get_by_role("link", name="Mina organisationer").click()
    page.locator("main").get_by_role("link", name="Tvåfaktorsinloggning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåfaktorsinloggning")
    expect(page.locator("main")).to_contain_text("Tvåfaktorsinloggning är av.")
    assert_accessible(page)

    page.get_by_role("link", name="Aktivera tvåfaktorsinloggning").click()
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    expect(page.locator("main svg path")).to_have_count(1)
    expect(page.locator("[data-totp-uri]")).to_have_attribute(
        "href", re.compile(r"^otpauth://totp/Samverkan%3Aowner\?secret=[A-Z2-7]+")
    )
    assert_accessible(page)

    # Confirming without a code: the error summary, linked to the field.
    page.get_by_role("button", name="Bekräfta").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_token']")).to_have_count(1)
    expect(page.locator("#id_token")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    secret = page.locator("[data-totp-secret]").text_content().strip()
    page.fill("#id_token", app_code(secret))
    page.get_by_role("button", name="Bekräfta").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/")
    expect(page.locator(".messages")).to_contain_text("Tvåfaktorsinloggning är på.")
    assert_accessible(page)

    page.get_by_role("button", name="Logga ut").first.click()
    page.goto("/municipalities/")
    submit_login(page, "owner", PASSWORD)

    # The password alone opens only the code page; the page asked for waits behind it.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/\?next=/municipalities/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kod från appen")
    expect(page.locator("#id_token")).to_have_attribute("autocomplete", "one-time-code")
    assert_accessible(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/\?next=/$"))

    page.fill("#id_token", app_code(secret, steps_ahead=1))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert_accessible(page)
