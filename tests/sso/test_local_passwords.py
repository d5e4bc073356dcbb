"""An organisation can turn local passwords off for its members; a user created by an
identity provider has none unless the provider's organisation allows them."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from sso.models import Identity, SignInPolicy
from tests.sso.test_oidc import _sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "ett-langt-och-bra-losenord-42"


@pytest.fixture
def local_user(owner):
    owner.set_password(PASSWORD)
    owner.email = "owner@hemby.se"
    owner.save()
    return owner


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_local_login_works_where_allowed(client, local_user):
    assert _login(client, local_user).status_code == 302


def test_local_login_is_refused_when_the_organisation_turned_it_off(client, local_user, home_org):
    SignInPolicy.objects.create(organisation=home_org, local_passwords_allowed=False)
    response = _login(client, local_user)
    assert response.status_code == 200
    assert "loggar in via sin egen inloggningstjänst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_password_reset_mail_when_the_organisation_turned_it_off(client, local_user, home_org):
    client.post(reverse("password_reset"), {"email": local_user.email})
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    SignInPolicy.objects.create(organisation=home_org, local_passwords_allowed=False)
    client.post(reverse("password_reset"), {"email": local_user.email})
    assert mail.outbox == []


def test_a_provisioned_user_cannot_set_a_local_password_unless_allowed(
    client, oidc_server, oidc_provider, home_org
):
    _sign_in(client, oidc_server, oidc_provider, "anna")
    user = Identity.objects.get(subject="anna").user
    user.set_password("gammalt-losenord-123")
    user.save()
    client.force_login(user)
    change = {
        "old_password": "gammalt-losenord-123",
        "new_password1": PASSWORD,
        "new_password2": PASSWORD,
    }
    response = client.post(reverse("password_change"), change)
    assert response.status_code == 200
    assert "loggar in via sin egen inloggningstjänst" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("gammalt-losenord-123")
    SignInPolicy.objects.create(organisation=home_org, local_passwords_allowed=True)
    response = client.post(reverse("password_change"), change)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_provisioned_user_gets_no_password_reset_unless_allowed(
    client, oidc_server, oidc_provider, home_org
):
    """The reset mail and the reset link's form both refuse, also for a user the provider
    created and who was somehow given a password (a link sent before the rule changed)."""
    _sign_in(client, oidc_server, oidc_provider, "anna")
    client.logout()
    user = Identity.objects.get(subject="anna").user
    user.set_password("gammalt-losenord-123")
    user.save()
    client.post(reverse("password_reset"), {"email": user.email})
    assert mail.outbox == []
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    response = client.post(form.redirect_chain[-1][0], new)
    assert response.status_code == 200
    assert "loggar in via sin egen inloggningstjänst" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("gammalt-losenord-123")
    SignInPolicy.objects.create(organisation=home_org, local_passwords_allowed=True)
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    response = client.post(form.redirect_chain[-1][0], new)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
