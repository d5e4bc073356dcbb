"""Sessions: a new id at login, an idle timeout, an absolute lifetime, logout and
deactivation end them on the server."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from councils import services
from councils.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def login(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302


def session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def test_login_gives_a_new_session_id(client, owner):
    session = client.session
    session["before-login"] = "kept"
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before

    login(client)

    assert session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_an_idle_session_ends_and_the_login_page_says_why(client, owner, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        login(client)
        key = session_key(client)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # each request starts the idle time anew
        assert client.get(reverse("home")).status_code == 200

        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("my-organisations"))

        assert response.status_code == 302
        assert response["Location"] == reverse("login") + "?next=" + reverse("my-organisations")
        assert not Session.objects.filter(session_key=key).exists()
        page = client.get(response["Location"])
        assert "Du loggades ut efter 30 minuter utan aktivitet" in page.content.decode()
        assert client.get(reverse("home")).status_code == 302


def test_an_idle_htmx_request_is_told_to_load_the_login_page(client, owner, settings):
    with time_machine.travel(START, tick=False) as clock:
        login(client)
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(
            reverse("home"),
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/municipalities/"},
        )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=/municipalities/"


def test_a_busy_session_still_ends_after_its_absolute_lifetime(client, owner, settings):
    settings.SESSION_COOKIE_AGE = 4 * 60 * 60
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        login(client)
        for _ in range(15):  # 15 × 16 minutes: never idle, 4 hours in all
            clock.shift(dt.timedelta(minutes=16))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Din inloggning har varat så länge" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_deletes_the_session_on_the_server(client, owner):
    login(client)
    key = session_key(client)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, opens nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("home")).status_code == 302


def _two_logged_in_clients(owner) -> list[Client]:
    clients = [Client(), Client()]
    for client in clients:
        login(client)
    return clients


def test_deactivating_a_user_ends_all_their_sessions(owner, colleague):
    clients = _two_logged_in_clients(owner)
    bystander = Client()
    bystander.force_login(colleague)

    services.user_deactivate(user=owner)

    for client in clients:
        assert not Session.objects.filter(session_key=session_key(client)).exists()
        assert client.get(reverse("home")).status_code == 302
    assert bystander.get(reverse("home")).status_code == 200


def test_deactivating_ends_cached_sessions_too(settings, owner):
    """With Redis (production), sessions are read from the cache: ending them must empty
    it too, or a user made active again would find their old sessions alive."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    clients = _two_logged_in_clients(owner)
    for client in clients:
        assert client.get(reverse("home")).status_code == 200  # read, and now cached

    assert services.user_deactivate(user=owner)
    User.objects.filter(pk=owner.pk).update(is_active=True)

    for client in clients:
        assert client.get(reverse("home")).status_code == 302


def test_an_inactive_users_session_is_refused_even_while_its_row_exists(client, owner):
    login(client)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert Session.objects.filter(session_key=session_key(client)).exists()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_deactivating_in_the_admin_ends_the_sessions(owner, superuser):
    clients = _two_logged_in_clients(owner)
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        reverse("admin:councils_user_change", args=[owner.pk]),
        {
            "username": owner.username,
            "first_name": owner.first_name,
            "last_name": owner.last_name,
            "email": owner.email,
            "is_active": "",  # unticked
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "title": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=owner.pk).is_active
    for client in clients:
        assert not Session.objects.filter(session_key=session_key(client)).exists()
    assert admin.get(reverse("admin:index")).status_code == 200
