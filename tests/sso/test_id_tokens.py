"""ID tokens the provider could not be made to send: signed with our own test keys, served
from a tiny JWKS server on 127.0.0.1, and checked by ``sso.oidc.verify_id_token``."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from authlib.oidc.core import CodeIDToken
from joserfc import jws, jwt
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from sso import oidc
from sso.models import Provider

ISSUER = "https://idp.hemby.test"
CLIENT = "samverkan"
NONCE = "the-nonce-we-sent"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def keys():
    return RSAKey.generate_key(2048, parameters={"kid": "k1"}), RSAKey.generate_key(
        2048, parameters={"kid": "k1"}
    )


@pytest.fixture(scope="module")
def jwks_url(keys):
    body = json.dumps(KeySet([keys[0]]).as_dict(private=False)).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/jwks"
    server.shutdown()


def _token(key, **changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "anna", "aud": CLIENT, "iat": now, "exp": now + 300}
    claims["nonce"] = NONCE
    claims.update(changes)
    for name in ("exp", "iat"):  # negative: seconds before now
        if claims[name] < 0:
            claims[name] += now
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def _verify(jwks_url, token):
    provider = Provider(issuer=ISSUER, client_id=CLIENT)
    document = {"jwks_uri": jwks_url, "id_token_signing_alg_values_supported": ["RS256"]}
    return oidc.verify_id_token(provider, document, token, NONCE)


def test_a_good_token_is_accepted(jwks_url, keys):
    assert _verify(jwks_url, _token(keys[0]))["sub"] == "anna"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"iss": "https://evil.test"}, id="wrong issuer"),
        pytest.param({"iss": None}, id="no issuer"),
        pytest.param({"aud": "another-client"}, id="wrong audience"),
        pytest.param({"exp": -600, "iat": -900}, id="expired"),
        pytest.param({"nonce": "a-nonce-from-another-sign-in"}, id="wrong nonce"),
        pytest.param({"nonce": None}, id="no nonce"),
    ],
)
def test_a_token_with_wrong_claims_is_refused(jwks_url, keys, changes):
    with pytest.raises(oidc.Refused):
        _verify(jwks_url, _token(keys[0], **changes))


def test_a_token_signed_with_another_key_is_refused(jwks_url, keys):
    with pytest.raises(oidc.Refused):
        _verify(jwks_url, _token(keys[1]))


def test_an_unsigned_token_is_refused(jwks_url, keys):
    _header, claims, _signature = _token(keys[0]).split(".")
    with pytest.raises(oidc.Refused):
        _verify(jwks_url, f"eyJhbGciOiJub25lIn0.{claims}.")


def _unverified(id_token, _document, _algorithms):
    """The token read without checking its signature."""
    compact = jws.extract_compact(id_token.encode())
    return jwt.Token(compact.headers(), json.loads(compact.payload))


@pytest.mark.parametrize(
    ("changes", "key", "check"),
    [
        pytest.param({"iss": "https://evil.test"}, 0, "validate_iss", id="wrong issuer"),
        pytest.param({"aud": "another-client"}, 0, "validate_aud", id="wrong audience"),
        pytest.param({"exp": -600, "iat": -900}, 0, "validate_exp", id="expired"),
        pytest.param({}, 1, "signature", id="signed with another key"),
    ],
)
def test_without_that_check_the_bad_token_is_accepted(
    jwks_url, keys, monkeypatch, changes, key, check
):
    """Each refusal above is its own check's: switched off, the same token passes. The
    audience is checked twice: joserfc's ``aud`` and Authlib's ``azp`` (a token whose
    audience is not us must name us as its authorised party)."""
    token = _token(keys[key], **changes)
    with pytest.raises(oidc.Refused):
        _verify(jwks_url, token)
    if check == "signature":
        monkeypatch.setattr(oidc, "_decode", _unverified)
    else:
        monkeypatch.setattr(JWTClaimsRegistry, check, lambda self, value: None)
    if check == "validate_aud":
        with pytest.raises(oidc.Refused, match="azp"):
            _verify(jwks_url, token)
        monkeypatch.setattr(CodeIDToken, "validate_azp", lambda self: None)
    assert _verify(jwks_url, token)["sub"] == "anna"
