"""The real OpenID Connect provider for the tests: the npm package ``oidc-provider``
(tests/sso/idp.js) run with the machine's Node.js on 127.0.0.1, once per test session.
Its packages are installed by scripts/sso-test-idp.sh (``make test`` and CI run it)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from tests.smtp import free_port

HERE = Path(__file__).resolve().parent
CLIENT_ID = "samverkan"
CLIENT_SECRET = "test-client-secret"
CALLBACK = "http://testserver/sso/oidc/callback/"

ACCOUNTS = {
    "anna": {
        "email": "anna@hemby.se",
        "email_verified": True,
        "given_name": "Anna",
        "family_name": "Andersson",
        "groups": ["samverkan-samordnare"],
        "amr": ["pwd"],
    },
    "maria": {
        "email": "maria@hemby.se",
        "email_verified": True,
        "groups": ["samverkan-samordnare"],
        "amr": ["pwd", "mfa"],
    },
    "nils": {"email": "nils@hemby.se", "email_verified": True, "groups": ["kaffeklubben"]},
    "bert": {
        "email": "bert@bortby.se",
        "email_verified": True,
        "groups": ["samverkan-samordnare", "bortby-samordnare"],
    },
}


@dataclass
class OidcIdp:
    issuer: str
    process: subprocess.Popen

    def sign_in(self, location: str, account: str) -> str:
        """Go from our redirect to the provider through its login page as ``account``;
        returns the path and query of the provider's redirect back to us."""
        browser = requests.Session()
        answer = browser.get(location, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text[:500]
        interaction = urljoin(location, answer.headers["Location"])
        answer = browser.post(
            interaction + "/login", data={"account": account}, allow_redirects=False, timeout=10
        )
        assert answer.status_code in (302, 303), answer.text[:500]
        answer = browser.get(
            urljoin(location, answer.headers["Location"]), allow_redirects=False, timeout=10
        )
        assert answer.status_code in (302, 303), answer.text[:500]
        back = urlsplit(answer.headers["Location"])
        return f"{back.path}?{back.query}"


def real_time() -> float:
    """The kernel's time, also when the tests' clock is moved (scripts/test-at.sh)."""
    with tempfile.NamedTemporaryFile() as probe:
        return os.fstat(probe.fileno()).st_mtime


def start(redirect_uris: list[str] | None = None) -> OidcIdp:
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("oidc-provider is not installed: run scripts/sso-test-idp.sh")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    redirect_uris = redirect_uris or [CALLBACK]
    config = {
        "port": port,
        "issuer": issuer,
        "clockOffsetMs": int((time.time() - real_time()) * 1000),
        "accounts": ACCOUNTS,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": [
                    urljoin(uri, "/accounts/login/") for uri in redirect_uris
                ],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ],
    }
    path = Path(tempfile.mkdtemp(prefix="sso-idp-")) / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(  # noqa: S603
        ["node", str(HERE / "idp.js"), str(path)],  # noqa: S607
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("ready "):
            break
    else:
        raise RuntimeError("the OpenID Connect provider did not start:\n" + "".join(lines))
    return OidcIdp(issuer=issuer, process=process)
