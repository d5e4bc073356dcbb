"""Single sign-on in the browser: a new coordinator signs in through the organisation's
OpenID Connect provider (the real oidc-provider on 127.0.0.1), is created with the role
their group gives, and lands on the start page; axe checks the login page at phone and
desktop widths and the page they land on. A police liaison signs in through the SAML
IdP (pysaml2, served on 127.0.0.1), lands on the start page with the role the mapping
gives (axe clean and no sideways scroll at 375 and 1280 px), and logs out of both."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from councils.models import Role
from sso.models import Identity, Provider, RoleRule, SignIn
from tests.e2e.a11y import assert_accessible
from tests.sso import oidc_idp, saml_idp
from tests.sso import saml_http_idp as saml_http_idp_module


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

    # logging out moves on to the provider's RP-initiated logout (a form's redirect there
    # would be stopped by form-action 'self'); the provider asks, then sends us back
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{browser_idp.issuer}/session/end**")
    page.get_by_role("button", name="Ja, logga ut").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


@pytest.fixture(scope="module")
def saml_http_idp(live_server, tmp_path_factory):
    served = saml_http_idp_module.start(tmp_path_factory.mktemp("saml-http"))
    requests.get(f"{live_server.url}/accounts/login/", timeout=120)
    yield served
    served.stop()


def _no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_a_police_liaison_signs_in_through_saml(page: Page, live_server, saml_http_idp, police_org):
    provider = Provider.objects.create(
        organisation=police_org,
        protocol=Provider.Protocol.SAML,
        name="Polisen",
        metadata_file=saml_http_idp.keys.metadata_file,
        sp_entity_id=saml_idp.SP_ENTITY_ID,
    )
    RoleRule.objects.create(
        organisation=police_org, value="polis-kommunpolis", role=Role.POLICE_LIAISON
    )
    metadata = requests.get(f"{live_server.url}/sso/saml/{provider.pk}/metadata/", timeout=30)
    saml_http_idp.know_sp(metadata.content)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Logga in med Polisen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Polisens inloggning")
    page.get_by_role("button", name="Fortsätt som kommunpolis").click()
    page.wait_for_url(f"{live_server.url}/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/accounts/login/" not in page.url and "/sso/" not in page.url
    for width, height in ((375, 667), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        _no_sideways_scroll(page, width)
    identity = Identity.objects.get(subject="kommunpolis-1")
    assert list(identity.user.memberships.values_list("organisation", "role")) == [
        (police_org.pk, Role.POLICE_LIAISON)
    ]
    assert SignIn.objects.get().outcome == SignIn.Outcome.SIGNED_IN

    # logging out ends the IdP's session too: our page moves on to its single logout
    # service (a form's redirect there would be stopped by form-action 'self'), which
    # sends the browser back to ours with a signed answer
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{live_server.url}/sso/saml/{provider.pk}/slo/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")
    expect(page.get_by_text("Du är utloggad från Samverkan och hos Polisen.")).to_be_visible()
    assert saml_http_idp.logouts == ["kommunpolis-1"]
    for width, height in ((375, 667), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        _no_sideways_scroll(page, width)
    page.goto("/")
    assert "/accounts/login/" in page.url
