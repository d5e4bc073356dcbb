"""Each SAML refusal is caused by its own check: the bad answer is refused with that
check's reason, and accepted once just that check is switched off (the library's one
function or our own), everything else being a good, signed answer from the IdP.

Where two checks guard the same thing, the test says so and switches off both."""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
import saml2.assertion
import saml2.config
import saml2.response
import saml2.sigver
from django.urls import reverse
from saml2.sigver import SignatureError, make_temp, pem_format

from councils import dates
from sso import saml
from sso.models import Identity, SignIn
from tests.sso.saml_idp import ENTITY_ID, post_binding

pytestmark = pytest.mark.django_db

OTHER = "http://other.test/sso/saml/1/acs/"


def _ago(hours: int) -> str:
    return (dates.now() - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _confirmation_data(response):
    return response.assertion.subject.subject_confirmation[0].subject_confirmation_data


def _wrong_audience(response):
    response.assertion.conditions.audience_restriction[0].audience[0].text = "https://other.sp/"


def _no_audience(response):
    response.assertion.conditions.audience_restriction = []


def _wrong_recipient(response):
    _confirmation_data(response).recipient = OTHER


def _wrong_destination(response):
    response.destination = OTHER


def _expired_conditions(response):
    conditions = response.assertion.conditions
    conditions.not_before, conditions.not_on_or_after = _ago(3), _ago(2)


def _expired_confirmation(response):
    _confirmation_data(response).not_on_or_after = _ago(2)


def _without_assertion_signatures(monkeypatch):
    original = saml.config

    def lax(*args, **kwargs):
        conf = original(*args, **kwargs)
        conf.setattr("sp", "want_assertions_signed", False)
        return conf

    monkeypatch.setattr(saml, "config", lax)


def _without_signature_verification(monkeypatch):
    """xmlsec1's verdict on the signature value and digests, and only that, is skipped."""
    monkeypatch.setattr(saml2.sigver.SecurityContext, "verify_signature", lambda *a, **k: True)


def _without_return_address_check(monkeypatch):
    original = saml2.config.Config.endpoint

    def wider(self, service, binding=None, context=None):
        return [*original(self, service, binding=binding, context=context), OTHER]

    monkeypatch.setattr(saml2.config.Config, "endpoint", wider)


def _without_expiry(monkeypatch):
    monkeypatch.setattr(saml2.response, "validate_on_or_after", lambda *a: 0)


def _without(name: str):
    def switch_off(monkeypatch):
        monkeypatch.setattr(saml, name, lambda *a: None)

    return switch_off


@dataclass
class Case:
    answer: dict[str, Any]
    reason: str
    switch_off: Any


CASES = {
    "unsigned assertion": Case(
        {"sign_assertion": False},
        "Signature missing for assertion",
        _without_assertion_signatures,
    ),
    "assertion signed with another key": Case(
        {"rogue": True}, "SignatureError", _without_signature_verification
    ),
    "response signed with another key": Case(
        {"response_key": "rogue"}, "SignatureError", _without_signature_verification
    ),
    "assertion changed after signing": Case(
        {"groups": ("polis-lasare",), "edit": ("polis-lasare", "polis-kommunpolis")},
        "SignatureError",
        _without_signature_verification,
    ),
    "wrong audience": Case(
        {"tamper": _wrong_audience},
        "AudienceRestrictions conditions not satisfied",
        lambda mp: mp.setattr(saml2.response, "for_me", lambda *a: True),
    ),
    "no audience": Case(
        {"tamper": _no_audience}, "the assertion names no audience", _without("_check_audience")
    ),
    "wrong recipient": Case(
        {"tamper": _wrong_recipient},
        "the assertion is meant for another recipient",
        _without("_check_recipient"),
    ),
    "wrong destination": Case(
        {"tamper": _wrong_destination},
        "the response holds no valid assertion",
        _without_return_address_check,
    ),
    "expired conditions": Case(
        {"tamper": _expired_conditions}, "ResponseLifetimeExceed", _without_expiry
    ),
    "expired subject confirmation": Case(
        {"tamper": _expired_confirmation}, "ResponseLifetimeExceed", _without_expiry
    ),
}


def _begin(client, provider):
    response = client.get(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _answer(client, server, provider, case: Case):
    options = dict(case.answer)
    edit = options.pop("edit", None)
    acs, xml = server.answer(_begin(client, provider), **options)
    if edit:
        assert edit[0] in xml
        xml = xml.replace(*edit)
    return client.post(acs, post_binding(xml))


def _last_reason() -> str:
    return SignIn.objects.latest("at").reason


@pytest.mark.parametrize("name", CASES)
def test_the_bad_answer_is_refused_by_its_own_check(client, saml_server, saml_provider, name):
    response = _answer(client, saml_server, saml_provider, CASES[name])
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not Identity.objects.exists()
    assert CASES[name].reason in _last_reason()


@pytest.mark.parametrize("name", CASES)
def test_without_that_check_the_bad_answer_is_accepted(
    client, saml_server, saml_provider, monkeypatch, name
):
    CASES[name].switch_off(monkeypatch)
    response = _answer(client, saml_server, saml_provider, CASES[name])
    assert response.status_code == 302, _last_reason()
    assert "_auth_user_id" in client.session
    assert SignIn.objects.get().outcome == SignIn.Outcome.SIGNED_IN


def _same_assertion_id(monkeypatch):
    original = saml2.assertion.assertion_factory

    def same_id(**kwargs):
        made = original(**kwargs)
        made.id = "id-the-same-assertion"
        return made

    monkeypatch.setattr(saml2.assertion, "assertion_factory", same_id)


@pytest.mark.parametrize("checked", [True, False], ids=["checked", "switched off"])
def test_a_replayed_assertion_id(client, saml_server, saml_provider, monkeypatch, checked):
    """The same assertion id in an answer to a new request of ours: only the used-once
    record refuses it (the request id check passes, the signature is good)."""
    _same_assertion_id(monkeypatch)
    case = Case({}, "", None)
    assert _answer(client, saml_server, saml_provider, case).status_code == 302
    client.logout()
    if not checked:
        monkeypatch.setattr(saml, "_use_once", lambda *a: None)
    response = _answer(client, saml_server, saml_provider, case)
    if checked:
        assert response.status_code == 403
        assert _last_reason() == "the assertion was used before"
    else:
        assert response.status_code == 302, _last_reason()


def _element(name: str, xml: str) -> re.Match:
    match = re.search(rf"<(\w+:)?{name}[ >].*?</\1{name}>", xml, re.DOTALL)
    assert match, xml[:500]
    return match


def _wrapped(xml: str) -> str:
    """Signature wrapping: an evil assertion carries the IdP's signature, whose reference
    points at the genuine assertion, tucked away in the evil one's Advice."""
    signed = _element("Assertion", xml)
    prefix = signed.group(1) or ""
    signature = _element("Signature", signed.group(0)).group(0)
    genuine = signed.group(0).replace(signature, "")
    evil = re.sub(r'ID="[^"]+"', 'ID="id-evil"', genuine, count=1)
    evil = evil.replace("kommunpolis-1<", "chef<")
    issuer_end = evil.index(f"</{prefix}Issuer>") + len(f"</{prefix}Issuer>")
    evil = evil[:issuer_end] + signature + evil[issuer_end:]
    conditions_end = evil.index(f"</{prefix}Conditions>") + len(f"</{prefix}Conditions>")
    advice = f"<{prefix}Advice>{genuine}</{prefix}Advice>"
    evil = evil[:conditions_end] + advice + evil[conditions_end:]
    return xml[: signed.start()] + evil + xml[signed.end() :]


def _naive_signature_check(self, decoded_xml, item, node_name=None, *args, **kwargs):
    """xmlsec1's verdict alone, without pysaml2's rule that the signature must be the
    enveloped one of the element it vouches for (its reference = the element's ID)."""
    for _name, cert in self.metadata.certs(ENTITY_ID, "any", "signing"):
        pem = make_temp(pem_format(cert), suffix=".pem", decode=False)
        if self.verify_signature(decoded_xml, pem.name, node_name=node_name, node_id=item.id):
            return item
    raise SignatureError("not verified")


@pytest.mark.parametrize("checked", [True, False], ids=["checked", "switched off"])
def test_signature_wrapping(client, saml_server, saml_provider, monkeypatch, checked):
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    if not checked:
        monkeypatch.setattr(
            saml2.sigver.SecurityContext, "_check_signature", _naive_signature_check
        )
    response = client.post(acs, post_binding(_wrapped(xml)))
    if checked:
        assert response.status_code == 403
        assert "SignatureError" in _last_reason()
        assert not Identity.objects.exists()
    else:  # the attack is real against a naive check: the evil assertion signs in
        assert response.status_code == 302, _last_reason()
        assert Identity.objects.get().subject == "chef"


def _read_in_response_to(encoded: str) -> str:
    return re.search(r'InResponseTo="([^"]+)"', base64.b64decode(encoded).decode()).group(1)


@pytest.mark.parametrize("ours", [True, False], ids=["our parser", "pysaml2's parser"])
def test_external_entities_are_refused_by_each_parser(
    client, saml_server, saml_provider, monkeypatch, tmp_path, ours
):
    """Our reading of InResponseTo refuses any DTD; without it, pysaml2's defusedxml does,
    before xmlsec1 ever sees the document. Neither layer expands the entity."""
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT-INNEHALL", encoding="utf-8")
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    body = xml.split("?>", 1)[-1]
    doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    hostile = doctype + body.replace("kommunpolis-1<", "&xxe;<", 1)
    if not ours:
        monkeypatch.setattr(saml, "_in_response_to", _read_in_response_to)
    response = client.post(acs, post_binding(hostile))
    assert response.status_code == 403
    reason = _last_reason()
    assert "HEMLIGT" not in reason
    if ours:
        assert reason == "not a SAML response: ImportRefused"
    else:
        assert "DTDForbidden" in reason or "EntitiesForbidden" in reason, reason
    assert not Identity.objects.exists()
