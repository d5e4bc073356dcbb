"""What every signed-in request costs: the session from the cache (no database), the
user once, and the smallest signed-in page (``account-ping``, the benchmark's empty
signed-in page) nothing more."""

from __future__ import annotations

import pytest
from django.contrib import auth
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils import backends, dates, services
from councils.models import User

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


# --- the user of every request (councils.backends) ------------------------------------


def test_a_login_records_our_backend_and_every_request_reads_the_user_by_its_made_sql(
    client, owner
):
    """The password login goes through ``councils.backends.ModelBackend``; each later
    request reads the user with the SQL made once for the process, no ORM query built."""
    owner.set_password("rätt lösenord 123")
    owner.save()
    response = client.post(
        reverse("login"), {"username": owner.username, "password": "rätt lösenord 123"}
    )
    assert response.status_code == 302
    assert client.session[auth.BACKEND_SESSION_KEY] == backends.PATH

    status, queries = _queries(client, reverse("account-ping"))

    assert status == 200
    user_queries = [sql for sql in queries if '"councils_user"' in sql]
    assert len(user_queries) == 1, queries
    assert user_queries[0] == backends._USER._sql()[0] % (owner.pk,)


def test_the_user_read_is_the_orms_user_field_for_field(owner):
    owner.first_name, owner.last_name, owner.title = "Åsa", "Öberg", "Samordnare"
    owner.last_login = dates.now()
    owner.email_failed_address = owner.email
    owner.is_staff = True
    owner.save()
    expected = User.objects.get(pk=owner.pk)

    read = backends.ModelBackend().get_user(owner.pk)

    assert type(read) is User
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.get_session_auth_hash() == expected.get_session_auth_hash()
    assert not read._state.adding and read._state.db == "default"
    assert str(read) == str(expected)


@pytest.mark.parametrize("user_id", [-1, 10**12, "x", None, "1 OR 1=1"])
def test_no_user_for_an_id_that_is_not_one(db, user_id):
    assert backends.ModelBackend().get_user(user_id) is None


def test_an_inactive_user_is_no_one(owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)  # even without signals

    assert backends.ModelBackend().get_user(owner.pk) is None


def test_a_query_asked_again_and_again_is_planned_once_on_postgresql(owner, settings):
    """PostgreSQL: the values go apart from the SQL, so psycopg prepares a query a
    connection keeps asking (its fifth time) and PostgreSQL plans it once. The SQLite
    default has nothing of the kind."""
    options = settings.DATABASES["default"]["OPTIONS"]
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in options
        return
    assert options["server_side_binding"] is True
    connection.ensure_connection()

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "councils_user" in row[0]]

    before = prepared()
    for _ in range(options["prepare_threshold"] + 1):
        assert backends.ModelBackend().get_user(owner.pk) == owner

    made = backends._USER._sql()[0]
    added = [statement for statement in prepared() if statement not in before]
    assert len(added) == 1, added
    assert added[0].split(" WHERE ")[0] == made.split(" WHERE ")[0]  # the user's row, once
