"""Single sign-on through a SAML identity provider (pysaml2's server, signed with test keys)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import saml2.assertion
import time_machine
from django.core.cache import cache
from django.urls import reverse

from councils import dates
from councils.models import Role
from sso.models import Identity, SignIn
from tests.sso.saml_idp import MFA, SLO_URL, post_binding

pytestmark = pytest.mark.django_db


def _begin(client, provider):
    response = client.get(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _post(client, acs, xml, **extra):
    return client.post(acs, post_binding(xml), **extra)


def _refused(response):
    assert response.status_code == 403, response.content[:300]
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not Identity.objects.exists()
    return SignIn.objects.filter(outcome=SignIn.Outcome.REFUSED).latest("at").reason


def test_a_police_liaison_signs_in(client, saml_server, saml_provider, police_org):
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    response = _post(client, acs, xml)
    assert response.status_code == 302, SignIn.objects.values_list("reason", flat=True)[:1]
    identity = Identity.objects.get()
    assert identity.subject == "kommunpolis-1"
    assert list(identity.user.memberships.values_list("organisation", "role")) == [
        (police_org.pk, Role.POLICE_LIAISON)
    ]
    assert client.get(reverse("home")).status_code == 200


def test_the_idps_two_factors_settle_the_organisations_requirement(
    client, saml_server, saml_provider, police_org
):
    police_org.two_factor_required = True
    police_org.save()
    acs, xml = saml_server.answer(_begin(client, saml_provider), class_ref=MFA)
    assert _post(client, acs, xml).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_password_only_sign_in_owes_our_second_factor(
    client, saml_server, saml_provider, police_org
):
    police_org.two_factor_required = True
    police_org.save()
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    assert _post(client, acs, xml).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-enrol"))


def test_logout_starts_single_logout_at_the_idp(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    _post(client, acs, xml)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert response.context["url"].startswith(SLO_URL + "?SAMLRequest=")
    assert "_auth_user_id" not in client.session


def test_an_unsigned_assertion_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider), sign_assertion=False)
    _refused(_post(client, acs, xml))


def test_an_assertion_signed_with_another_key_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider), rogue=True)
    _refused(_post(client, acs, xml))


def test_a_response_signed_with_another_key_is_refused(client, saml_server, saml_provider):
    """The assertion is signed with the IdP's key: only the response's signature is wrong."""
    acs, xml = saml_server.answer(_begin(client, saml_provider), response_key="rogue")
    _refused(_post(client, acs, xml))


def test_a_changed_signed_assertion_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider), groups=("polis-lasare",))
    assert "polis-lasare" in xml
    _refused(_post(client, acs, xml.replace("polis-lasare", "polis-kommunpolis")))


def test_a_wrong_audience_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider), audience="https://other.sp/")
    _refused(_post(client, acs, xml))


def test_a_wrong_recipient_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(
        _begin(client, saml_provider), destination="http://other.test/saml/acs/"
    )
    _refused(_post(client, acs, xml))


def test_expired_conditions_are_refused(client, saml_server, saml_provider):
    location = _begin(client, saml_provider)
    with time_machine.travel(dates.now() - dt.timedelta(hours=2), tick=False):
        acs, xml = saml_server.answer(location)
    _refused(_post(client, acs, xml))


def test_a_replayed_assertion_id_is_refused(client, saml_server, saml_provider, monkeypatch):
    original = saml2.assertion.assertion_factory

    def same_id(**kwargs):
        made = original(**kwargs)
        made.id = "id-the-same-assertion"
        return made

    monkeypatch.setattr(saml2.assertion, "assertion_factory", same_id)
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    assert _post(client, acs, xml).status_code == 302
    client.logout()
    acs, xml = saml_server.answer(_begin(client, saml_provider))  # a new request, same id
    response = _post(client, acs, xml)
    assert response.status_code == 403
    assert SignIn.objects.latest("at").reason == "the assertion was used before"


def test_an_answer_to_no_request_of_ours_is_refused(client, saml_server, saml_provider):
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    cache.clear()
    _refused(_post(client, acs, xml))


def _assertion(xml: str) -> re.Match:
    match = re.search(r"<(\w+:)?Assertion[ >].*?</\1Assertion>", xml, re.DOTALL)
    assert match, xml[:500]
    return match


def test_signature_wrapping_is_refused(client, saml_server, saml_provider):
    """An unsigned evil assertion beside the signed one (XSW): nobody signs in as it."""
    acs, xml = saml_server.answer(_begin(client, saml_provider), groups=("polis-lasare",))
    signed = _assertion(xml)
    evil = re.sub(r"<(\w+:)?Signature[ >].*?</\1Signature>", "", signed.group(0), flags=re.DOTALL)
    evil = re.sub(r'ID="[^"]+"', 'ID="id-evil"', evil, count=1)
    evil = evil.replace("kommunpolis-1<", "chef<").replace("polis-lasare", "polis-kommunpolis")
    assert evil != signed.group(0)
    before = xml[: signed.start()] + evil + xml[signed.start() :]
    _refused(_post(client, acs, before))
    after = xml[: signed.end()] + evil + xml[signed.end() :]
    _refused(_post(client, acs, after))
    assert not Identity.objects.filter(subject="chef").exists()


def test_external_entities_are_never_resolved(client, saml_server, saml_provider, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT-INNEHALL", encoding="utf-8")
    acs, xml = saml_server.answer(_begin(client, saml_provider))
    body = xml.split("?>", 1)[-1]
    doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    hostile = doctype + body.replace("kommunpolis-1<", "&xxe;<", 1)
    response = _post(client, acs, hostile)
    assert response.status_code == 403
    assert "HEMLIGT" not in response.content.decode()
    assert not Identity.objects.exists()
    assert not SignIn.objects.filter(subject__contains="HEMLIGT").exists()


def test_our_metadata_is_published_at_a_stable_url(client, saml_provider):
    response = client.get(f"/sso/saml/{saml_provider.pk}/metadata/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'entityID="http://testserver/saml/sp"' in body
    assert f"http://testserver/sso/saml/{saml_provider.pk}/acs/" in body


def test_a_provider_with_unreadable_metadata_refuses_without_an_error(client, saml_provider):
    saml_provider.metadata_file = "/nonexistent/idp-metadata.xml"
    saml_provider.save()
    response = client.get(reverse("sso-start", args=[saml_provider.pk]))
    assert response.status_code == 403
    assert client.get(reverse("sso-saml-metadata", args=[saml_provider.pk])).status_code == 200


def test_sign_ins_and_refusals_are_in_the_audit_history(client, saml_server, saml_provider):
    """Who, through which provider, when and from where: also for a refusal."""
    moment = dates.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        acs, xml = saml_server.answer(_begin(client, saml_provider))
        _post(
            client, acs, xml.replace("polis-kommunpolis", "polis-lasare"), REMOTE_ADDR="203.0.113.7"
        )
        acs, xml = saml_server.answer(_begin(client, saml_provider))
        _post(client, acs, xml, REMOTE_ADDR="203.0.113.9")
    refused, signed_in = SignIn.objects.order_by("pk")
    user = Identity.objects.get().user
    assert (signed_in.user, signed_in.provider, signed_in.outcome) == (
        user,
        saml_provider,
        SignIn.Outcome.SIGNED_IN,
    )
    assert (signed_in.subject, signed_in.ip_address, signed_in.at) == (
        "kommunpolis-1",
        "203.0.113.9",
        moment,
    )
    assert (refused.user, refused.provider, refused.outcome) == (
        None,
        saml_provider,
        SignIn.Outcome.REFUSED,
    )
    assert (refused.ip_address, refused.at) == ("203.0.113.7", moment)
    assert "SignatureError" in refused.reason


def test_refused_saml_answers_are_throttled(client, saml_server, saml_provider, settings):
    settings.AXES_FAILURE_LIMIT = 2
    started_before = _begin(client, saml_provider)
    for _attempt in range(2):
        acs, xml = saml_server.answer(_begin(client, saml_provider), sign_assertion=False)
        _post(client, acs, xml)
    response = client.get(reverse("sso-start", args=[saml_provider.pk]))
    assert response.status_code == 429
    acs, xml = saml_server.answer(started_before)  # a good answer, but too late
    assert _post(client, acs, xml).status_code == 429
    assert not Identity.objects.exists()
