"""Each OpenID Connect refusal against the real provider is caused by its own check: the
bad answer is refused, and accepted once just that check is switched off, or (for the
checks the provider makes: PKCE, a code used once) once just that one thing is right.
The ID token's issuer, audience, expiry and signature: tests/sso/test_id_tokens.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oidc.core import CodeIDToken
from django.urls import reverse

from sso import oidc
from sso.models import Identity, SignIn

pytestmark = pytest.mark.django_db


def _begin(client, provider):
    response = client.get(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _pending(client) -> dict:
    return dict(client.session[oidc.PENDING])


def _set_pending(client, pending: dict) -> None:
    session = client.session
    session[oidc.PENDING] = pending
    session.save()


def _tamper(client, **changes):
    _set_pending(client, {**_pending(client), **changes})


def _reason() -> str:
    return SignIn.objects.filter(outcome=SignIn.Outcome.REFUSED).latest("at").reason


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


@pytest.mark.parametrize("checked", [True, False], ids=["checked", "switched off"])
def test_state(client, oidc_server, oidc_provider, monkeypatch, checked):
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    _tamper(client, state="not-the-state-we-sent")
    if not checked:
        monkeypatch.setattr(oidc, "_check_state", lambda *a: None)
    response = client.get(back)
    if checked:
        assert response.status_code == 403
        assert _reason() == "state does not match"
        assert not Identity.objects.exists()
    else:
        assert _signed_in(response), SignIn.objects.values_list("reason", flat=True)[:1]


@pytest.mark.parametrize(
    "switched_off",
    [(), ("authlib",), ("ours",), ("authlib", "ours")],
    ids=["both checks", "ours only", "authlib's only", "none"],
)
def test_nonce(client, oidc_server, oidc_provider, monkeypatch, switched_off):
    """Authlib's ``CodeIDToken`` and our ``_check_nonce`` each refuse a wrong nonce."""
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    _tamper(client, nonce="not-the-nonce-we-sent")
    if "authlib" in switched_off:
        monkeypatch.setattr(CodeIDToken, "validate_nonce", lambda self: None)
    if "ours" in switched_off:
        monkeypatch.setattr(oidc, "_check_nonce", lambda *a: None)
    response = client.get(back)
    if len(switched_off) == 2:
        assert _signed_in(response)
        return
    assert response.status_code == 403
    assert not Identity.objects.exists()
    if "authlib" in switched_off:
        assert _reason() == "nonce does not match"
    else:
        assert "nonce" in _reason() and "ID token is not valid" in _reason()


def test_the_code_is_refused_for_the_wrong_pkce_verifier_alone(client, oidc_server, oidc_provider):
    """A wrong verifier is refused by the provider; the very same code, state and nonce
    with our verifier is then accepted (the provider checks PKCE before it spends the
    code): nothing but the verifier made the refusal."""
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    pending = _pending(client)
    _tamper(client, verifier="x" * 64)
    response = client.get(back)
    assert response.status_code == 403
    assert "code was refused" in _reason()
    _set_pending(client, pending)
    assert _signed_in(client.get(back))


def test_the_authorisation_request_carries_the_pkce_challenge(client, oidc_server, oidc_provider):
    query = parse_qs(urlsplit(_begin(client, oidc_provider)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["nonce"] == [_pending(client)["nonce"]]
    assert query["state"] == [_pending(client)["state"]]


@pytest.mark.parametrize("used_before", [True, False], ids=["used before", "fresh"])
def test_a_code_is_used_once(client, oidc_server, oidc_provider, used_before):
    """The code replayed in a new sign-in with its own verifier and nonce: only its being
    used before differs between refusal and acceptance."""
    back = oidc_server.sign_in(_begin(client, oidc_provider), "anna")
    original = _pending(client)
    if used_before:
        assert _signed_in(client.get(back))
        client.logout()
    _begin(client, oidc_provider)  # a new sign-in under way: its state, the old code
    state = _pending(client)["state"]
    _tamper(client, verifier=original["verifier"], nonce=original["nonce"])
    code = parse_qs(urlsplit(back).query)["code"][0]
    response = client.get(f"{reverse('sso-oidc-callback')}?code={code}&state={state}")
    if used_before:
        assert response.status_code == 403
        assert "code was refused" in _reason()
        assert "_auth_user_id" not in client.session
    else:
        assert _signed_in(response)
