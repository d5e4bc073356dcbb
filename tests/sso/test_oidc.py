"""Single sign-on through a real OpenID Connect provider (oidc-provider on 127.0.0.1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils.html import escape

from councils.models import Membership, Role
from sso import oidc
from sso.models import Identity, RoleRule, SignIn, SignInPolicy

pytestmark = pytest.mark.django_db


def _begin(client, provider):
    response = client.get(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _sign_in(client, server, provider, account):
    back = server.sign_in(_begin(client, provider), account)
    return client.get(back)


def test_a_new_user_is_created_with_the_role_from_the_group(client, oidc_server, oidc_provider):
    response = _sign_in(client, oidc_server, oidc_provider, "anna")
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("home")
    identity = Identity.objects.get(issuer=oidc_server.issuer, subject="anna")
    assert identity.user.email == "anna@hemby.se"
    assert identity.user.first_name == "Anna"
    assert not identity.user.has_usable_password()
    assert list(identity.user.memberships.values_list("organisation", "role")) == [
        (oidc_provider.organisation_id, Role.COORDINATOR)
    ]
    assert client.get(reverse("home")).status_code == 200
    entry = SignIn.objects.get()
    assert (entry.user, entry.provider, entry.outcome, entry.ip_address) == (
        identity.user,
        oidc_provider,
        SignIn.Outcome.SIGNED_IN,
        "127.0.0.1",
    )
    assert Membership.objects.filter(provisioned__provider=oidc_provider).count() == 1


def _refused(response):
    assert response.status_code == 403, response.content[:300]
    assert "_auth_user_id" not in response.wsgi_request.session
    return SignIn.objects.filter(outcome=SignIn.Outcome.REFUSED).latest("at").reason


def _tamper(client, **changes):
    session = client.session
    pending = dict(session[oidc.PENDING])
    pending.update(changes)
    session[oidc.PENDING] = pending
    session.save()


def test_a_wrong_state_is_refused(client, oidc_server, oidc_provider):
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    _tamper(client, state="not-the-state-we-sent")
    assert "state" in _refused(client.get(back))
    assert not Identity.objects.exists()


def test_a_wrong_nonce_is_refused(client, oidc_server, oidc_provider):
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    _tamper(client, nonce="not-the-nonce-we-sent")
    assert "nonce" in _refused(client.get(back))


def test_the_code_needs_our_pkce_verifier(client, oidc_server, oidc_provider):
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    _tamper(client, verifier="x" * 64)
    assert "code was refused" in _refused(client.get(back))


def test_a_code_is_used_once(client, oidc_server, oidc_provider):
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    assert client.get(back).status_code == 302
    client.logout()
    _begin(client, oidc_provider)  # a new sign-in under way: its state, our old code
    state = client.session[oidc.PENDING]["state"]
    query = parse_qs(urlsplit(back).query)
    replay = f"{reverse('sso-oidc-callback')}?code={query['code'][0]}&state={state}"
    assert "code was refused" in _refused(client.get(replay))


def test_a_callback_without_a_sign_in_under_way_is_refused(client, oidc_provider):
    response = client.get(reverse("sso-oidc-callback") + "?code=abc&state=def")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_no_matching_rule_gives_no_access_and_names_whom_to_ask(
    client, oidc_server, oidc_provider, home_org
):
    SignInPolicy.objects.create(organisation=home_org, contact="IT-servicedesk, 018-10 00 00")
    response = _sign_in(client, oidc_server, oidc_provider, "nils")
    assert response["Location"] == reverse("sso-no-access")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "IT-servicedesk, 018-10 00 00" in page.content.decode()
    assert "_auth_user_id" not in client.session
    user = Identity.objects.get(subject="nils").user
    assert not user.memberships.exists()
    assert SignIn.objects.get().outcome == SignIn.Outcome.NO_ACCESS


def test_roles_follow_the_groups_at_every_sign_in_and_manual_ones_stay(
    client, oidc_server, oidc_provider, home_org
):
    _sign_in(client, oidc_server, oidc_provider, "anna")
    user = Identity.objects.get(subject="anna").user
    Membership.objects.create(user=user, organisation=home_org, role=Role.ORG_ADMIN)
    client.logout()
    RoleRule.objects.filter(organisation=home_org).update(value="ett-annat-namn")
    assert _sign_in(client, oidc_server, oidc_provider, "anna").status_code == 302
    assert list(user.memberships.values_list("role", flat=True)) == [Role.ORG_ADMIN]


def test_another_organisations_provider_grants_only_its_own_roles(
    client, oidc_server, oidc_provider, home_org, away_org
):
    RoleRule.objects.create(organisation=away_org, value="bortby-samordnare", role=Role.COORDINATOR)
    _sign_in(client, oidc_server, oidc_provider, "bert")
    user = Identity.objects.get(subject="bert").user
    assert list(user.memberships.values_list("organisation", flat=True)) == [home_org.pk]


def test_an_existing_account_with_the_same_email_is_not_taken_over(
    client, oidc_server, oidc_provider, owner
):
    owner.email = "anna@hemby.se"
    owner.save()
    _sign_in(client, oidc_server, oidc_provider, "anna")
    assert Identity.objects.get(subject="anna").user != owner


def test_the_providers_second_factor_settles_the_organisations_requirement(
    client, oidc_server, oidc_provider, home_org
):
    home_org.two_factor_required = True
    home_org.save()
    _sign_in(client, oidc_server, oidc_provider, "maria")
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    _sign_in(client, oidc_server, oidc_provider, "anna")  # a password only
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-enrol"))


def test_logout_ends_the_providers_session_too(client, oidc_server, oidc_provider):
    _sign_in(client, oidc_server, oidc_provider, "anna")
    response = client.post(reverse("logout"))
    # a page that moves on, not a redirect: form-action 'self' would stop the browser
    assert response.status_code == 200
    url = response.context["url"]
    assert url.startswith(oidc_server.issuer + "/session/end")
    assert "id_token_hint=" in url
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f'<meta http-equiv="refresh" content="0;url={escape(url)}">' in page
    assert f'href="{escape(url)}"' in page
    assert "_auth_user_id" not in client.session


def test_refused_sign_ins_are_throttled(client, oidc_server, oidc_provider, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        _begin(client, oidc_provider)
        client.get(reverse("sso-oidc-callback") + "?code=abc&state=wrong")
    response = client.get(reverse("sso-start", args=[oidc_provider.pk]))
    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == f"sso:{oidc_provider.pk}"


def test_the_email_domain_finds_the_provider(client, oidc_server, oidc_provider, home_org):
    SignInPolicy.objects.create(organisation=home_org, email_domains="hemby.se hemby.org")
    response = client.post(reverse("sso-find"), {"email": "Anna@HEMBY.org"})
    assert response.status_code == 200
    start = reverse("sso-start", args=[oidc_provider.pk])
    assert f'href="{start}?next=' in response.content.decode()
    assert "Din adress hör till Hemby kommun" in response.content.decode()
    response = client.post(reverse("sso-find"), {"email": "anna@example.com"})
    assert response.status_code == 400
    assert "Ingen organisation loggar in" in response.content.decode()


def test_the_login_page_offers_the_providers(client, oidc_provider):
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Hemby kommun" in page


def test_a_next_address_elsewhere_leads_home(client, oidc_server, oidc_provider):
    start = reverse("sso-start", args=[oidc_provider.pk]) + "?next=https://evil.test/"
    back = oidc_server.sign_in(client.get(start)["Location"], "anna")
    assert client.get(back)["Location"] == reverse("home")
