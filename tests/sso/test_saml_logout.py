"""SAML single logout, both ways, on our SLO service (HTTP-Redirect binding): the IdP's
signed LogoutResponse to the logout we started, and a logout the IdP starts with a signed
LogoutRequest, which ends the person's sessions that came through it. Each refusal is
the only thing wrong with an otherwise good message, and the audit names its own check:
take the check away and the message would be accepted."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from saml2 import BINDING_HTTP_REDIRECT
from saml2.s_utils import status_message_factory
from saml2.samlp import STATUS_REQUEST_DENIED, STATUS_SUCCESS
from saml2.time_util import instant

from councils import dates
from sso.models import Identity, SignIn
from tests.sso.saml_idp import SLO_URL, post_binding

pytestmark = pytest.mark.django_db

SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"


def _sign_in(client, saml_server, provider) -> None:
    location = client.get(reverse("sso-start", args=[provider.pk]))["Location"]
    acs, xml = saml_server.answer(location)
    assert client.post(acs, post_binding(xml)).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def _slo(provider) -> str:
    return f"http://testserver{reverse('sso-saml-slo', args=[provider.pk])}"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _refusal(provider) -> str:
    return (
        SignIn.objects.filter(provider=provider, outcome=SignIn.Outcome.REFUSED).latest("pk").reason
    )


# --- the logout we start, and the IdP's answer -------------------------------------------


def _logout(client, saml_server, provider) -> str:
    _sign_in(client, saml_server, provider)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert not _signed_in(client)
    url = response.context["url"]
    assert url.startswith(SLO_URL + "?SAMLRequest=")
    return url


def test_our_metadata_names_our_single_logout_service(client, saml_provider):
    metadata = client.get(reverse("sso-saml-metadata", args=[saml_provider.pk])).content
    assert b"SingleLogoutService" in metadata
    assert _slo(saml_provider).encode() in metadata


def test_the_idps_signed_answer_confirms_the_logout(client, saml_server, saml_provider):
    url = _logout(client, saml_server, saml_provider)
    response = client.get(saml_server.logout_answer(url))
    assert response.status_code == 200, _refusal(saml_provider)
    assert response.context["confirmed"] is True
    assert "och hos Polisen" in response.content.decode()


def test_an_answer_is_taken_once(client, saml_server, saml_provider):
    answer = saml_server.logout_answer(_logout(client, saml_server, saml_provider))
    assert client.get(answer).status_code == 200
    assert client.get(answer).status_code == 400
    assert _refusal(saml_provider) == "logout: a logout response to no request of ours"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sign": False}, "the logout message is not signed"),
        ({"rogue": True}, "the logout message's signature is not the identity provider's"),
        ({"in_response_to": "id-another-request"}, "a logout response to no request of ours"),
        (
            {"status": status_message_factory("nej", STATUS_REQUEST_DENIED)},
            "the logout response is not valid: StatusRequestDenied",
        ),
    ],
    ids=["unsigned", "another-key", "no-request-of-ours", "not-a-success"],
)
def test_a_wrong_answer_is_not_taken_as_a_logout(
    client, saml_server, saml_provider, changes, reason
):
    url = _logout(client, saml_server, saml_provider)
    response = client.get(saml_server.logout_answer(url, **changes))
    assert response.status_code == 400
    assert "kunde inte bekräfta" in response.content.decode()
    assert _refusal(saml_provider) == f"logout: {reason}"


def test_a_changed_answer_fails_its_signature(client, saml_server, saml_provider):
    url = _logout(client, saml_server, saml_provider)
    good = saml_server.logout_answer(url)
    other = saml_server.logout_answer(
        url, status=status_message_factory("nej", STATUS_REQUEST_DENIED)
    )
    # the signature of one answer with the message of the other
    query = parse_qs(urlsplit(good).query)
    query["SAMLResponse"] = parse_qs(urlsplit(other).query)["SAMLResponse"]
    response = client.get(_slo(saml_provider), {k: v[0] for k, v in query.items()})
    assert response.status_code == 400
    assert _refusal(saml_provider) == (
        "logout: the logout message's signature is not the identity provider's"
    )


# --- a logout the IdP starts -------------------------------------------------------------


def _answer_status(saml_server, response) -> str:
    assert response.status_code == 302, response.content[:300]
    location = response["Location"]
    assert location.startswith(SLO_URL + "?SAMLResponse=")
    encoded = parse_qs(urlsplit(location).query)["SAMLResponse"][0]
    answer = saml_server.server.parse_logout_request_response(encoded, BINDING_HTTP_REDIRECT)
    return answer.response.status.status_code.value


def test_the_idp_ends_every_session_that_came_through_it(
    client, saml_server, saml_provider, django_user_model
):
    other_browser = Client()
    _sign_in(client, saml_server, saml_provider)
    _sign_in(other_browser, saml_server, saml_provider)
    user = Identity.objects.get(subject="kommunpolis-1").user
    with_password = Client()
    with_password.force_login(user)  # the same person, signed in with a local password
    someone_else = Client()
    someone_else.force_login(django_user_model.objects.create_user("annan"))

    idp_browser = Client()  # the request may come through any browser
    response = idp_browser.get(saml_server.logout_request(_slo(saml_provider)))
    assert _answer_status(saml_server, response) == STATUS_SUCCESS

    assert client.get(reverse("home")).status_code == 302
    assert other_browser.get(reverse("home")).status_code == 302
    assert with_password.get(reverse("home")).status_code == 200
    assert someone_else.get(reverse("home")).status_code == 200
    logged = SignIn.objects.filter(outcome=SignIn.Outcome.SIGNED_OUT).get()
    assert (logged.user, logged.subject, logged.provider) == (user, "kommunpolis-1", saml_provider)


def test_the_browser_that_brings_the_request_is_logged_out(client, saml_server, saml_provider):
    _sign_in(client, saml_server, saml_provider)
    response = client.get(saml_server.logout_request(_slo(saml_provider), relay_state="tillbaka"))
    assert _answer_status(saml_server, response) == STATUS_SUCCESS
    assert parse_qs(urlsplit(response["Location"]).query)["RelayState"] == ["tillbaka"]
    assert not _signed_in(client)


def test_only_the_sessions_the_idp_names_end(client, saml_server, saml_provider):
    _sign_in(client, saml_server, saml_provider)
    url = saml_server.logout_request(_slo(saml_provider), session_indexes=("id-another-session",))
    assert _answer_status(saml_server, Client().get(url)) == STATUS_SUCCESS
    assert client.get(reverse("home")).status_code == 200


def test_a_logout_of_someone_unknown_ends_nothing(client, saml_server, saml_provider):
    _sign_in(client, saml_server, saml_provider)
    url = saml_server.logout_request(_slo(saml_provider), subject="okand-person")
    assert _answer_status(saml_server, Client().get(url)) == STATUS_SUCCESS
    assert client.get(reverse("home")).status_code == 200


def _in_an_hour_ago() -> str:
    return instant(time_stamp=int((dates.now() - dt.timedelta(hours=1)).timestamp()))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sign": False}, "the logout message is not signed"),
        ({"rogue": True}, "the logout message's signature is not the identity provider's"),
        ({"sigalg": SHA1}, "the logout message is signed with an algorithm we do not accept"),
        ({"issuer": "https://idp.other.test/saml"}, "the logout message comes from another issuer"),
        ({"expire": "past"}, "the logout request has expired"),
        (
            {"slo": "http://other.test/sso/saml/1/slo/"},
            "the logout request is not valid: OtherError",
        ),
    ],
    ids=["unsigned", "another-key", "sha1", "another-issuer", "expired", "another-destination"],
)
def test_a_wrong_logout_request_ends_nothing(client, saml_server, saml_provider, changes, reason):
    _sign_in(client, saml_server, saml_provider)
    if changes.get("expire") == "past":
        changes["expire"] = _in_an_hour_ago()
    slo = changes.pop("slo", _slo(saml_provider))
    location = saml_server.logout_request(slo, **changes)
    url = _slo(saml_provider) + "?" + urlsplit(location).query
    response = Client().get(url)
    assert response.status_code == 400
    assert _refusal(saml_provider) == f"logout: {reason}"
    assert client.get(reverse("home")).status_code == 200
    assert not SignIn.objects.filter(outcome=SignIn.Outcome.SIGNED_OUT).exists()


def test_a_replayed_logout_request_is_refused(client, saml_server, saml_provider):
    url = saml_server.logout_request(_slo(saml_provider))
    assert Client().get(url).status_code == 302
    _sign_in(client, saml_server, saml_provider)
    assert Client().get(url).status_code == 400
    assert _refusal(saml_provider) == "logout: the logout request was used before"
    assert client.get(reverse("home")).status_code == 200


def test_garbage_is_refused_without_an_error(client, saml_provider):
    for query in (
        {"SAMLRequest": "inte base64 %%%", "SigAlg": SHA1, "Signature": "x"},
        {
            "SAMLResponse": "AAAA",
            "SigAlg": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "Signature": "!!",
        },
        {"SAMLResponse": ""},
        {},
    ):
        assert client.get(_slo(saml_provider), query).status_code == 400


def test_only_get(client, saml_provider):
    assert client.post(_slo(saml_provider)).status_code == 405


def test_an_unreadable_expiry_is_refused_without_an_error(client, saml_server, saml_provider):
    _sign_in(client, saml_server, saml_provider)
    location = saml_server.logout_request(_slo(saml_provider), expire="inte-en-tid")
    assert Client().get(location).status_code == 400
    assert _refusal(saml_provider).startswith("logout: the logout request")
    assert client.get(reverse("home")).status_code == 200


def test_a_message_without_its_saml_part_is_refused(client, saml_server, saml_provider):
    location = saml_server.logout_request(_slo(saml_provider))
    query = parse_qs(urlsplit(location).query)
    del query["SAMLRequest"]
    response = client.get(_slo(saml_provider), {k: v[0] for k, v in query.items()})
    assert response.status_code == 400
    assert _refusal(saml_provider) == "logout: no SAMLResponse"
