"""The services the app runs on: the database, the cache and the Celery broker.

With REDIS_URL set (CI), these talk to the real Redis; without it, they check the
embedded default (local memory cache, tasks run eagerly in-process).
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import app


def test_cache_round_trip():
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"svar": "ja"}, timeout=30)
    assert cache.get(key) == {"svar": "ja"}
    cache.delete(key)
    assert cache.get(key) is None


def test_celery_is_eager_exactly_when_there_is_no_redis():
    assert app.conf.task_always_eager is (settings.REDIS_URL is None)
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=2)
            assert conn.connected
    else:
        assert "django.core.cache.backends.locmem" in settings.CACHES["default"]["BACKEND"]


def test_eager_tasks_run_in_process():
    @app.task(name="tests.add")
    def add(x: int, y: int) -> int:
        return x + y

    result = add.apply(args=(2, 3))
    assert result.get() == 5


@pytest.mark.django_db
def test_database_answers_with_the_configured_engine():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    expected = "postgresql" if settings.DATABASE_URL.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
