"""Create the benchmark's PostgreSQL database when it is missing (``make bench``).

Reads ``DATABASE_URL``; does nothing for SQLite (the file is created on migrate).
"""

from __future__ import annotations

import os

import dj_database_url
import psycopg
from psycopg import sql


def ensure_database(url: str) -> None:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    params = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    name = config["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


if __name__ == "__main__":
    ensure_database(os.environ["DATABASE_URL"])
