"""Two-factor authentication in the browser: set it up from the account pages with the
QR code's key, log out, and log in again with the password and a code from the "app"
(django-otp's own TOTP function on the key the page showed)."""

from __future__ import annotations

import base64
import re
import time

from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.test_login import submit_login
from tests.factories import PASSWORD


def app_code(secret: str, *, step: int | None = None) -> tuple[str, int]:
    """What an authenticator app shows for ``secret`` at time ``step`` (now when None),
    with the step. For now, a code with under ten seconds left in its window waits for
    the next one: a code sent in the window after its own is accepted (one step of
    tolerance) but teaches django-otp a drift of -1, which the next code would miss."""
    otp = TOTP(base64.b32decode(secret))
    if step is None:
        left = otp.step - (time.time() - otp.t0) % otp.step
        if left < 10:
            time.sleep(left + 0.1)
        step = otp.t()
    otp.time = otp.t0 + step * otp.step
    return f"{otp.token():06d}", step


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
    code, step = app_code(secret)
    page.fill("#id_token", code)
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

    # A code is accepted once: the next login uses the following step's code.
    page.fill("#id_token", app_code(secret, step=step + 1)[0])
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    assert_accessible(page)
