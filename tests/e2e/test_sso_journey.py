"""Single sign-on in the browser: a new coordinator signs in through the organisation's
OpenID Connect provider (the real oidc-provider on 127.0.0.1), is created with the role
their group gives, and lands on the start page; axe checks the login page at phone and
desktop widths and the page they land on."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from councils.models import Role
from sso.models import Identity, Provider, RoleRule
from tests.e2e.a11y import assert_accessible
from tests.sso import oidc_idp


@pytest.fixture(scope="module")
def browser_idp(live_server):
    server = oidc_idp.start([f"{live_server.url}/sso/oidc/callback/"])
    # the first request imports the SAML and OIDC libraries: not inside the page's timeout
    requests.get(f"{live_server.url}/accounts/login/", timeout=120)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def test_a_new_coordinator_signs_in_through_the_organisations_provider(
    page: Page, browser_idp, home_org
):
    Provider.objects.create(
        organisation=home_org,
        protocol=Provider.Protocol.OIDC,
        name="Hemby kommun",
        issuer=browser_idp.issuer,
        client_id=oidc_idp.CLIENT_ID,
        client_secret=oidc_idp.CLIENT_SECRET,
        scopes="openid email profile groups",
    )
    RoleRule.objects.create(
        organisation=home_org, value="samverkan-samordnare", role=Role.COORDINATOR
    )
    page.goto("/accounts/login/")
    page.set_viewport_size({"width": 375, "height": 667})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med Hemby kommun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testleverantörens inloggning")
    page.get_by_role("button", name="anna").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/accounts/login/" not in page.url
    assert_accessible(page)
    user = Identity.objects.get(subject="anna").user
    assert list(user.memberships.values_list("role", flat=True)) == [Role.COORDINATOR]
