"""Query counts per page: measured at two data sizes, and they must be equal."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.sql import compiler
from django.test.utils import CaptureQueriesContext

#: the project's own code (not the libraries', nor the tests')
_PROJECT = str(Path(__file__).resolve().parent.parent) + "/"
_NOT_OURS = tuple(_PROJECT + folder for folder in (".venv/", "tests/"))


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def assert_constant_queries(client, url: str, grow: Callable[[], None]) -> int:
    """Count the queries of ``url``, call ``grow()`` to add data, and count again.

    Returns the count so a test can also pin it.
    """
    small = count_queries(client, url)
    grow()
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries at the small size, {large} at the large"
    return small


def _ours(filename: str) -> bool:
    return filename.startswith(_PROJECT) and not filename.startswith(_NOT_OURS)


def built_by_the_orm(client, url: str, monkeypatch, verbose: bool = False) -> list[str]:
    """The models of the queries ``url`` builds through the ORM on a second visit (with
    where the project asked for each, ``verbose``), once the process has made its
    prepared SQL (``councils.prepared``): the busiest pages build none (issue 16).
    Without Redis, as in most tests, Django reads the session from the database: that
    query is Django's, and left out."""
    first = client.get(url)
    assert first.status_code == 200, f"{url} answered {first.status_code}"
    built = []
    make = compiler.SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        if self.query.model is not Session:
            here = [f for f in traceback.extract_stack() if _ours(f.filename)]
            where = f" ({here[-1].filename[len(_PROJECT) :]}:{here[-1].lineno})" if here else ""
            built.append(f"{self.query.model.__name__}{where}")
        return make(self, *args, **kwargs)

    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", as_sql)
    again = client.get(url)
    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", make)
    assert again.status_code == 200, f"{url} answered {again.status_code} the second time"
    return built if verbose else [name.split(" ")[0] for name in built]
