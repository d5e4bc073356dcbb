"""Security headers on every URL: the gate walks the isolation cases, so a new page is
checked as soon as it says who may open it.

Every HTML page carries a Content-Security-Policy with a fresh nonce that every
``<script>`` of the page carries too; every response says ``nosniff`` and has a
Referrer-Policy; every response to a signed-in user says ``no-store``. Production
settings send HSTS for at least a year, subdomains included.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.isolation import CASES, Kind
from tests.test_settings import ROOT, _settings_in_subprocess

NONCE = re.compile(r"'nonce-([^']+)'")
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
ONE_YEAR = 365 * 24 * 60 * 60


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response, *, signed_in: bool) -> None:
    url = response.request["PATH_INFO"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy"), url
    if signed_in:
        cache_control = response.headers.get("Cache-Control", "")
        assert "no-store" in cache_control, f"{url}: Cache-Control {cache_control!r}"
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["object-src"] == ["'none'"], url
    assert policy["base-uri"] == ["'none'"], url
    assert policy["frame-ancestors"] == ["'none'"], url
    assert "'unsafe-inline'" not in policy["script-src"], url
    scripts = SCRIPT_TAG.findall(response.content.decode())
    if response.status_code != 200 and not scripts:
        return  # a bare error or redirect body: no page, no scripts, no nonce needed
    nonces = [m for value in policy["script-src"] if (m := NONCE.fullmatch(value))]
    assert len(nonces) == 1, f"{url}: script-src {policy['script-src']}"
    nonce = nonces[0].group(1)
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, f"{url}: a script without the page's nonce: {tag}"


def _cases():
    return [pytest.param(name, case, id=name) for name, case in CASES.items() if "*" not in name]


@pytest.mark.parametrize(("name", "case"), _cases())
def test_every_page_sends_the_security_headers(client, cast, name, case):
    url = reverse(name, kwargs=case.build(cast))
    if case.kind != Kind.PUBLIC:
        client.force_login(getattr(cast, case.viewer))
    response = client.get(url)
    assert response.status_code < 500
    assert_secure_headers(response, signed_in=case.kind != Kind.PUBLIC)


def test_public_pages_also_send_no_store_to_signed_in_users(client, cast):
    client.force_login(cast.owner)
    for name, case in CASES.items():
        if case.kind == Kind.PUBLIC:
            response = client.get(reverse(name, kwargs=case.build(cast)))
            assert "no-store" in response.headers.get("Cache-Control", ""), name


def test_the_admin_sends_the_security_headers(client, superuser, home_org):
    client.force_login(superuser)
    for url in (
        reverse("admin:index"),
        reverse("admin:councils_organisation_changelist"),
        reverse("admin:councils_organisation_change", args=[home_org.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_secure_headers(response, signed_in=True)


def test_the_nonce_is_new_for_every_response(client, owner):
    client.force_login(owner)
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    nonce = [NONCE.search(r.headers["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonce[0] != nonce[1]
    # The page's own scripts (htmx and app.js) are there and carry it.
    assert len(SCRIPT_TAG.findall(second.content.decode())) >= 2
    assert second.content.decode().count(f'nonce="{nonce[1]}"') >= 2


def test_production_sends_hsts_for_a_year_with_subdomains():
    result = _settings_in_subprocess(
        {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "samverkan.example.se"},
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_CONTENT_TYPE_NOSNIFF",
    )
    assert result.returncode == 0, result.stderr
    seconds, subdomains, *rest = result.stdout.split()
    assert int(seconds) >= ONE_YEAR
    assert subdomains == "True"
    assert rest == ["True", "True", "True"]


@pytest.mark.django_db  # the login page lists the organisations' sign-in providers
def test_hsts_header_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    hsts = response.headers["Strict-Transport-Security"]
    assert f"max-age={ONE_YEAR}" in hsts
    assert "includeSubDomains" in hsts


def test_the_deployment_check_is_clean_with_production_settings():
    """What .ci/run checks, also in the test suite: no warning from `check --deploy`.

    Without the test run's own settings (tests/conftest.py allows async-unsafe calls).
    """
    test_only = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in test_only}
    environment |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "samverkan.example.se",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
