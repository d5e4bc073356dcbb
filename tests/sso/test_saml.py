"""Single sign-on through a SAML identity provider (pysaml2's server, signed with test keys)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from councils.models import Role
from sso.models import Identity, SignIn
from tests.sso.saml_idp import post_binding

pytestmark = pytest.mark.django_db


def _begin(client, provider):
    response = client.post(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _post(client, acs, xml):
    return client.post(acs, post_binding(xml))


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
