"""Query counts per page: measured at two data sizes, and they must be equal."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


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
