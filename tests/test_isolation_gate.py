"""The isolation gate: every URL has a case, and every case holds.

A user of another organisation gets 404 for an object that is not theirs (GET and
POST), anonymous users are sent to the login page, lists show only what is theirs.
The owner opens each page first and the outsider after, in the same cache: the
outsider is answered with the caches warm from the owner's request, so a cached
fragment served to the wrong user fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from api import tokens
from api.models import ApiToken
from councils import dates
from tests.isolation import CASES, Kind


def _walk(patterns, namespace: str = "", prefix: str = ""):
    """Yield (namespace, qualified name or None, route) for every URL pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = ":".join([namespace, entry.name]) if namespace and entry.name else entry.name
            yield namespace, name, prefix + str(entry.pattern)


def _case_for(namespace: str, name: str | None):
    """The URL's own case, or its namespace's wildcard case (Django admin)."""
    return (name and CASES.get(name)) or (namespace and CASES.get(f"{namespace}:*")) or None


def test_every_url_pattern_has_an_isolation_case():
    missing = [
        f"{name or '(unnamed)'} ({route})"
        for namespace, name, route in _walk(get_resolver().url_patterns)
        if _case_for(namespace, name) is None
    ]
    assert not missing, "URLs without an isolation case in tests/isolation.py:\n" + "\n".join(
        missing
    )


def test_every_isolation_case_names_a_url():
    names = {name for _ns, name, _route in _walk(get_resolver().url_patterns)}
    stale = [n for n in CASES if not n.endswith(":*") and n not in names]
    assert not stale, f"Isolation cases for URLs that no longer exist: {stale}"


def _url(name: str, case, cast) -> str:
    """The case's URL, with its query string if it has one."""
    query = case.query(cast)
    return reverse(name, kwargs=case.build(cast)) + (f"?{urlencode(query)}" if query else "")


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


def _cases(kind: Kind):
    return [pytest.param(name, case, id=name) for name, case in CASES.items() if case.kind == kind]


@pytest.mark.parametrize(("name", "case"), _cases(Kind.OBJECT))
def test_object_pages_answer_404_to_other_organisations(client, cast, name, case):
    url = _url(name, case, cast)

    anonymous = client.get(url)
    assert _login_redirect(anonymous), f"anonymous GET {url}: {anonymous.status_code}"
    assert _login_redirect(client.post(url)), f"anonymous POST {url}"

    client.force_login(getattr(cast, case.viewer))
    assert client.get(url).status_code == case.ok_status, f"the owner must see {url}"

    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404, f"outsider GET {url}"
    assert client.post(url, {"x": "1"}).status_code == 404, f"outsider POST {url}"
    assert client.post(url, {"x": "1"}, headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.parametrize(("name", "case"), _cases(Kind.LOGIN))
def test_login_pages_send_anonymous_users_to_login_and_hide_others_data(client, cast, name, case):
    url = _url(name, case, cast)
    assert _login_redirect(client.get(url)), f"anonymous GET {url}"
    assert client.post(url).status_code in {302, 405}

    client.force_login(getattr(cast, case.viewer))
    assert client.get(url).status_code == case.ok_status

    client.force_login(cast.outsider)
    response = client.get(url)
    assert response.status_code == case.ok_status
    body = response.content.decode()
    for text in case.hidden(cast):
        assert text not in body, f"{url} shows {text!r} to a user of another organisation"


@pytest.mark.parametrize(("name", "case"), _cases(Kind.PUBLIC))
def test_public_pages_open_without_login(client, cast, name, case):
    url = _url(name, case, cast)
    response = client.get(url)
    assert response.status_code < 500
    assert not _login_redirect(response), f"{url} must not require login"


def test_admin_is_for_staff_only(client, cast):
    admin_urls = [
        reverse("admin:index"),
        reverse("admin:councils_municipality_changelist"),
        reverse("admin:councils_organisation_change", args=[cast.home_org.pk]),
    ]
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(cast.owner)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, f"non-staff user reached {url}"
        assert response["Location"].startswith(reverse("admin:login"))


# --- the API: tokens instead of sessions ---------------------------------------------


def _api_call(client, method: str, url: str, headers: dict, body: dict | None):
    call = getattr(client, method.lower())
    if body is None:
        return call(url, headers=headers)
    return call(url, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(("name", "case"), _cases(Kind.API))
def test_api_operations_answer_only_to_their_tokens(client, cast, name, case):
    spec = case.api
    kwargs = case.build(cast)
    url = reverse(name, kwargs=kwargs)

    def call(user=None, scope="write", *, revoked=False, expired=False):
        headers = {}
        if user is not None:
            made = tokens.create(user=user, name=f"gate {user.username}", scope=scope)
            if revoked:
                tokens.revoke(user=user, token=made.token)
            if expired:
                ApiToken.objects.filter(pk=made.token.pk).update(
                    expires_on=dates.today() - dt.timedelta(days=1)
                )
            headers["Authorization"] = f"Bearer {made.secret}"
        if spec.version is not None:
            headers["If-Match"] = f'"{spec.version(cast, kwargs)}"'
        body = spec.body(cast, kwargs) if spec.body else None
        return _api_call(client, spec.method, url, headers, body)

    for response in (call(), call(cast.owner, revoked=True), call(cast.owner, expired=True)):
        assert response.status_code == 401, f"{name} without a usable token"
        assert response["Content-Type"] == "application/problem+json"
    if spec.writes:
        assert call(cast.owner, scope="read").status_code == 403, f"{name}: a read token wrote"

    outsider = call(cast.outsider)
    if spec.listing:
        assert outsider.status_code == 200, f"{name}: outsider {outsider.status_code}"
        for text in case.hidden(cast):
            assert text not in outsider.content.decode(), f"{name} shows {text!r} to outsiders"
    else:
        assert outsider.status_code == spec.outsider_status, f"{name}: outsider got through"

    colleague = spec.colleague_status or (404 if spec.writes else case.ok_status)
    assert call(cast.colleague).status_code == colleague, f"{name}: a reader colleague"

    for user, status in spec.others(cast, kwargs) if spec.others else []:
        other = call(user)
        assert other.status_code == status, f"{name}: {user.username} {other.content[:300]!r}"
        if spec.listing:
            for text in case.hidden(cast):
                assert text not in other.content.decode(), f"{name} shows {text!r} to {user}"

    owner = call(cast.owner)
    assert owner.status_code == case.ok_status, f"{name}: owner {owner.content[:300]!r}"
    if spec.listing:
        for text in case.hidden(cast):
            assert text in owner.content.decode(), f"{name} hides {text!r} from its owner"
