"""What every signed-in request costs: the session from the cache (no database), the
user once, and the smallest signed-in page (``account-ping``, the benchmark's empty
signed-in page) nothing more."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils import services

pytestmark = pytest.mark.django_db

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def _queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [q["sql"] for q in queries.captured_queries]


def test_the_ping_page_answers_ok_to_a_signed_in_user_only(client, owner):
    anonymous = client.get(reverse("account-ping"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    client.force_login(owner)
    response = client.get(reverse("account-ping"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]  # a signed-in answer, never stored
    assert client.post(reverse("account-ping")).status_code == 405


def test_a_warm_cached_session_costs_no_database_query(settings, owner):
    """With Redis (production) the session is read from the cache: once it is there, a
    request asks the database for the user only."""
    settings.SESSION_ENGINE = CACHED_DB
    client = Client()
    client.force_login(owner)
    client.get(reverse("account-ping"))  # the session is now cached

    status, queries = _queries(client, reverse("account-ping"))

    assert status == 200
    assert not [sql for sql in queries if "django_session" in sql], queries
    assert len(queries) == 1, queries  # the user, looked up once
    assert "councils_user" in queries[0]


def test_the_session_still_comes_from_the_database_when_the_cache_lost_it(settings, owner):
    settings.SESSION_ENGINE = CACHED_DB
    client = Client()
    client.force_login(owner)
    cache.clear()

    status, queries = _queries(client, reverse("account-ping"))

    assert status == 200
    assert [sql for sql in queries if "django_session" in sql]


def test_deactivating_ends_a_warm_cached_session(settings, owner, colleague):
    settings.SESSION_ENGINE = CACHED_DB
    client, bystander = Client(), Client()
    client.force_login(owner)
    bystander.force_login(colleague)
    for each in (client, bystander):
        assert each.get(reverse("account-ping")).status_code == 200  # cached

    services.user_deactivate(user=owner)

    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    assert client.get(reverse("account-ping")).status_code == 302
    assert bystander.get(reverse("account-ping")).status_code == 200
