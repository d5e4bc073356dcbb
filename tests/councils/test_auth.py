"""Login, logout, throttling and password reset: Swedish pages, e-mails that work."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_swedish_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()
    assert response["Content-Language"] == "sv"


def test_login_with_the_right_password_lands_on_the_start_page(client, owner):
    response = login(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_with_a_wrong_password_shows_the_error_summary(client, owner):
    response = login(client, "owner", "wrong")
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_named_in_the_summary_and_inline(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    body = response.content.decode()
    assert 'href="#id_username"' in body
    assert 'id="id_username_error"' in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_username_error"' in body


def test_login_redirects_only_to_our_own_pages(client, owner):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "owner", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failures_lock_the_username_out(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "owner", "wrong")
    locked = login(client, "owner", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # another username from the same address is not locked
    assert login(client, "nobody", "wrong").status_code == 200


def test_logout_is_a_post_and_ends_the_session(client_of, owner):
    client = client_of(owner)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_swedish_e_mail_with_a_working_link(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "lösenord" in message.subject.lower()
    assert message.alternatives, "an HTML part is sent too"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    new_password = "ett-nytt-langt-losenord-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new_password)


def test_password_reset_does_not_tell_whether_an_address_exists(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.se"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_language_switch_to_english_and_back(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()
    response = client.post(
        reverse("set_language"), {"language": "sv", "next": reverse("login")}, follow=True
    )
    assert '<html lang="sv">' in response.content.decode()


def test_swedish_even_for_an_english_browser_until_the_user_chooses(client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    response = client.get(reverse("login"), headers=english_browser)
    assert '<html lang="sv">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), headers=english_browser)
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"
