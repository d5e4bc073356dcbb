"""OpenID Connect relying party (authorisation code flow with PKCE) on Authlib.

Each check is here, where a test can prove it: ``state`` against the session, the code
exchanged with our PKCE verifier, and the ID token's signature (the provider's JWKS),
issuer, audience, expiry and ``nonce`` (Authlib's ``CodeIDToken``).
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from sso.models import Provider
from sso.services import Profile

#: session key of the sign-in under way
PENDING = "sso_oidc_pending"
TIMEOUT = 10
ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]


class Refused(Exception):
    """The sign-in is refused; ``reason`` is for the audit trail, not for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise Refused(f"could not read {url}: {error}") from error


def discovery(provider: Provider) -> dict[str, Any]:
    key = f"sso:oidc:discovery:{provider.issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(provider.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if document.get("issuer") != provider.issuer:
            raise Refused("the discovery document names another issuer")
        cache.set(key, document, 600)
    return document


def _keys(document: dict[str, Any], *, fresh: bool = False) -> KeySet:
    key = f"sso:oidc:jwks:{document['jwks_uri']}"
    jwks = None if fresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(document["jwks_uri"])
        cache.set(key, jwks, 600)
    return KeySet.import_key_set(jwks)


def start(request, provider: Provider, redirect_uri: str, next_url: str) -> str:
    """The provider's authorisation URL; state, nonce and PKCE verifier go in the session."""
    document = discovery(provider)
    state, nonce, verifier = (
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
        generate_token(64),
    )
    client = OAuth2Session(
        provider.client_id,
        scope=provider.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _state = client.create_authorization_url(
        document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    request.session[PENDING] = {
        "provider": provider.pk,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
    }
    return url


def pending_provider_id(request) -> int | None:
    pending = request.session.get(PENDING)
    return pending.get("provider") if isinstance(pending, dict) else None


def finish(request, provider: Provider, redirect_uri: str) -> tuple[Profile, dict[str, Any]]:
    """Check the provider's answer and return who signed in, and the token response."""
    pending = request.session.pop(PENDING, None)
    if not isinstance(pending, dict) or pending.get("provider") != provider.pk:
        raise Refused("no sign-in under way")
    _check_state(str(request.GET.get("state", "")), pending["state"])
    if error := request.GET.get("error"):
        raise Refused(f"the provider answered {error[:100]}")
    code = request.GET.get("code", "")
    if not code:
        raise Refused("no code")
    document = discovery(provider)
    client = OAuth2Session(
        provider.client_id,
        provider.secret(),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    try:
        token = client.fetch_token(
            document["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending["verifier"],
            timeout=TIMEOUT,
        )
    except Exception as error:  # the provider refused the code (reused, wrong verifier, …)
        raise Refused(f"the code was refused: {str(error)[:200]}") from error
    claims = verify_id_token(provider, document, token.get("id_token", ""), pending["nonce"])
    return _profile(provider, claims), dict(token)


def _check_state(answered: str, sent: str) -> None:
    if not hmac.compare_digest(answered, sent):
        raise Refused("state does not match")


def _check_nonce(claims, nonce: str) -> None:
    """Authlib's ``CodeIDToken`` compares the nonce too; this one also refuses none."""
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise Refused("nonce does not match")


def _decode(id_token: str, document: dict[str, Any], algorithms: list[str]):
    """The token's header and claims once its signature is verified with the provider's
    keys (fetched again once, for a key the provider has just rotated in)."""
    try:
        return jwt.decode(id_token, _keys(document), algorithms=algorithms)
    except JoseError:
        return jwt.decode(id_token, _keys(document, fresh=True), algorithms=algorithms)


def verify_id_token(
    provider: Provider, document: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    if not id_token:
        raise Refused("no ID token")
    algorithms = document.get("id_token_signing_alg_values_supported") or ALGORITHMS
    algorithms = [a for a in algorithms if a in ALGORITHMS]
    try:
        decoded = _decode(id_token, document, algorithms)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            options={"iss": {"essential": True, "value": provider.issuer}},
            params={"nonce": nonce, "client_id": provider.client_id},
        )
        claims.validate(now=int(time.time()), leeway=30)
    except (JoseError, ValueError) as error:
        raise Refused(f"the ID token is not valid: {str(error)[:200]}") from error
    _check_nonce(claims, nonce)
    return dict(claims)


def _strings(value) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return frozenset()


def _profile(provider: Provider, claims: dict[str, Any]) -> Profile:
    proof = _strings(claims.get("amr")) | _strings(claims.get("acr"))
    return Profile(
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        email=str(claims.get("email", "")) if claims.get("email_verified", True) else "",
        first_name=str(claims.get("given_name", "")),
        last_name=str(claims.get("family_name", "")),
        groups=_strings(claims.get(provider.groups_claim)),
        mfa=provider.accepts_mfa(proof),
    )


def logout_url(provider: Provider, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout at the provider, where it has an end_session_endpoint."""
    try:
        endpoint = discovery(provider).get("end_session_endpoint")
    except Refused:
        return None
    if not endpoint:
        return None
    return add_params_to_uri(
        endpoint,
        [
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("client_id", provider.client_id),
        ],
    )
