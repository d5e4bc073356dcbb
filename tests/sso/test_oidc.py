"""Single sign-on through a real OpenID Connect provider (oidc-provider on 127.0.0.1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from councils.models import Membership, Role
from sso.models import Identity, SignIn

pytestmark = pytest.mark.django_db


def _begin(client, provider):
    response = client.post(reverse("sso-start", args=[provider.pk]))
    assert response.status_code == 302
    return response["Location"]


def _sign_in(client, server, provider, account):
    back = server.sign_in(_begin(client, provider), account)
    return client.get(back)


def test_a_new_user_is_created_with_the_role_from_the_group(client, oidc_server, oidc_provider):
    response = _sign_in(client, oidc_server, oidc_provider, "anna")
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("home")
    identity = Identity.objects.get(issuer=oidc_server.issuer, subject="anna")
    assert identity.user.email == "anna@hemby.se"
    assert identity.user.first_name == "Anna"
    assert not identity.user.has_usable_password()
    assert list(identity.user.memberships.values_list("organisation", "role")) == [
        (oidc_provider.organisation_id, Role.COORDINATOR)
    ]
    assert client.get(reverse("home")).status_code == 200
    entry = SignIn.objects.get()
    assert (entry.user, entry.provider, entry.outcome, entry.ip_address) == (
        identity.user,
        oidc_provider,
        SignIn.Outcome.SIGNED_IN,
        "127.0.0.1",
    )
    assert Membership.objects.filter(provisioned__provider=oidc_provider).count() == 1
