"""The database connection dropped and restored: the next request succeeds.

Requests go through Django's real WSGI handler, so the request_started and
request_finished signals manage the connection as under gunicorn (the test client
switches that off). On PostgreSQL the connection is persistent (CONN_MAX_AGE) and
health-checked (CONN_HEALTH_CHECKS): a second connection terminates the app's
backend between two requests with ``pg_terminate_backend``, and the next request
notices and reconnects. On SQLite (no persistent connections) the connection is
closed between the requests instead.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.client import RequestFactory
from django.urls import reverse

from tests.faults.postgres import second_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def get(client, owner):
    """GET through the WSGI handler as ``owner``: (status, body)."""
    client.force_login(owner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()

    def request(path: str) -> tuple[int, str]:
        environ = RequestFactory()._base_environ(PATH_INFO=path, HTTP_COOKIE=cookie)
        started = []
        response = handler(environ, lambda status, headers, exc_info=None: started.append(status))
        try:
            body = b"".join(response).decode()
        finally:
            response.close()  # request_finished, as the WSGI server sends it
        return int(started[0].split()[0]), body

    return request


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """From a second connection, as a database restart or failover would."""
    with second_connection() as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True


def test_after_the_connection_is_dropped_the_next_request_succeeds(get, home):
    url = reverse("pledge-list", args=[home.code])
    assert get(url)[0] == 200
    if connection.vendor != "postgresql":
        connection.close()
        status, body = get(url)
        assert status == 200 and home.name in body
        return
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    first = _backend_pid()
    assert get(url)[0] == 200 and _backend_pid() == first  # the connection is kept
    _terminate(first)
    status, body = get(url)
    assert status == 200 and home.name in body
    assert _backend_pid() != first  # a new connection


def test_without_health_checks_the_first_request_after_the_drop_fails(get, home, settings):
    """Why CONN_HEALTH_CHECKS is on (config/settings.py): without it the request after
    the drop answers 500, and only the one after that reconnects."""
    url = reverse("pledge-list", args=[home.code])
    if connection.vendor != "postgresql":
        assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0  # nothing to go stale
        assert get(url)[0] == 200
        return
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    connection.close()  # read when connecting
    try:
        assert get(url)[0] == 200
        _terminate(_backend_pid())
        assert get(url)[0] == 500
        assert get(url)[0] == 200
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()
