"""A second PostgreSQL connection to the test database, beside Django's own: what a
failover, another process or an operator would do to it."""

from __future__ import annotations

import psycopg
from django.db import connection


def second_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )
