"""The API's rows of `make bench` (issue 19): a pledge with its activities as JSON, a
follow-up write (with ``If-Match``), and every activity of the country, 200 a page.

Each request is timed through the served app (one client, one request after another:
latency, not throughput; the token's rate limit, ``API_RATE_LIMIT``, is for many
clients) and its queries are counted in-process on the national data and, in a
subprocess, on the demo data: the counts must be equal.

``python -m bench.api`` prints the query counts of the database that ``DATABASE_URL``
names (the demo's, from ``section_api``) as JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from bench.core import Bench, Row

#: how many times the pledge and the write are timed
REPEAT = int(os.environ.get("BENCH_API_REPEAT", "40"))
#: activities a page of the list walk
PAGE_SIZE = 200
PREFIX = "/api/v1"
#: the municipality whose published pledge the follow-up write goes to: one no page row of
#: the bench reads (bench/pages.py reads Uppsala's follow-ups, Stockholm's and Göteborg's
#: pledges, Västra Götaland's dashboard), so the pages measure the seeded data on every run
WRITTEN_CODE = "2584"
#: what the bench's follow-ups say they did: the earlier runs' are removed before a run
WRITTEN_DONE = "Trygghetsvandring (bench)"


@dataclass(frozen=True)
class ApiCall:
    key: str
    label: str
    #: whose token makes the call
    username: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    #: the address whose ETag a write sends in ``If-Match``
    etag_of: str | None = None


def calls(*, pledge, pledge_user: str, activity, activity_user: str, reader: str) -> list[ApiCall]:
    """The three requests: ``pledge`` with its activities read by ``pledge_user``, a
    follow-up of ``activity`` written by ``activity_user``, the first page of every
    activity ``reader`` sees."""
    from datetime import timedelta

    size = pledge.activities.filter(deleted_at__isnull=True).count()
    start = activity.pledge.period_start
    return [
        ApiCall(
            "api-pledge",
            f"API: pledge with its {size} activities as JSON, coordinator",
            pledge_user,
            "GET",
            f"{PREFIX}/pledges/{pledge.pk}",
        ),
        ApiCall(
            "api-follow-up",
            "API: a follow-up written at the activity's ETag, coordinator",
            activity_user,
            "POST",
            f"{PREFIX}/activities/{activity.pk}/follow-ups",
            body={
                "period_start": start.isoformat(),
                "period_end": (start + timedelta(days=30)).isoformat(),
                "status": "ongoing",
                "progress": 40,
                "done": WRITTEN_DONE,
            },
            etag_of=f"{PREFIX}/activities/{activity.pk}",
        ),
        ApiCall(
            "api-activities",
            f"API: every activity, {PAGE_SIZE} a page, national reader",
            reader,
            "GET",
            f"{PREFIX}/activities?limit={PAGE_SIZE}",
        ),
    ]


def _live_first(pledge):
    return pledge.activities.filter(deleted_at__isnull=True).order_by("order", "pk").first()


def _calls_for(*, review_code: str, review_user: str, published_code: str, coordinator: str):
    from pledges.models import Pledge

    in_review = Pledge.objects.filter(
        municipality__code=review_code, status=Pledge.Status.IN_REVIEW
    ).latest("period_start", "pk")
    published = Pledge.objects.filter(
        municipality__code=published_code, status=Pledge.Status.PUBLISHED
    ).latest("period_start", "pk")
    return in_review, review_user, _live_first(published), coordinator


def national_calls() -> list[ApiCall]:
    """Stockholm's pledge of 60 activities in review, a follow-up of Kiruna's published
    pledge (``WRITTEN_CODE``), every activity the national reader (Brå) sees."""
    from bench.seed_national import REVIEW_MUNICIPALITY

    pledge, pledge_user, activity, activity_user = _calls_for(
        review_code=REVIEW_MUNICIPALITY,
        review_user=f"coord{REVIEW_MUNICIPALITY}",
        published_code=WRITTEN_CODE,
        coordinator=f"coord{WRITTEN_CODE}",
    )
    return calls(
        pledge=pledge,
        pledge_user=pledge_user,
        activity=activity,
        activity_user=activity_user,
        reader="national",
    )


def demo_calls() -> list[ApiCall]:
    """The same requests in the demo data: Enköping's pledge in review, Uppsala's
    published one, Brå's reader."""
    pledge, pledge_user, activity, activity_user = _calls_for(
        review_code="0381",
        review_user="samordnare.enkoping",
        published_code="0380",
        coordinator="samordnare",
    )
    return calls(
        pledge=pledge,
        pledge_user=pledge_user,
        activity=activity,
        activity_user=activity_user,
        reader="bra",
    )


def token_for(username: str, name: str = "bench") -> str:
    from api import tokens
    from councils.models import User

    user = User.objects.get(username=username)
    return tokens.create(user=user, name=name, scope="write").secret


# --- query counts (in-process, Django's test client) -------------------------------------


def _client_send(client, call: ApiCall, headers: dict[str, str]):
    if call.etag_of:
        headers = {**headers, "If-Match": client.get(call.etag_of, headers=headers)["ETag"]}
    send = getattr(client, call.method.lower())
    if call.body is None:
        return lambda: send(call.path, headers=headers)
    return lambda: send(call.path, call.body, content_type="application/json", headers=headers)


def query_counts(api_calls: list[ApiCall]) -> dict[str, int]:
    """The queries of each call, after one call that records the token's first use."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    counts = {}
    for call in api_calls:
        headers = {"Authorization": f"Bearer {token_for(call.username, 'bench queries')}"}
        _client_send(client, call, headers)()  # the token's first use is recorded
        request = _client_send(client, call, headers)
        with CaptureQueriesContext(connection) as captured:
            response = request()
        assert response.status_code in {200, 201}, (call.path, response.content[:300])
        counts[call.key] = len(captured)
    return counts


def demo_query_counts(database_url: str) -> dict[str, int]:
    """``query_counts`` of the demo calls, in a subprocess on the demo database (which
    ``bench.run.demo_query_counts`` has seeded)."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.api"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- timing (through the served app) ---------------------------------------------------


def _http(url: str, method: str, headers: dict[str, str], body: dict | None):
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _send_timed(base: str, call: ApiCall, headers: dict[str, str], path: str | None = None):
    """(seconds, status, headers, body) of one call; the ETag a write needs is read
    before the clock starts, and a 429 waits out its ``Retry-After`` untimed."""
    while True:
        sent = dict(headers)
        if call.etag_of:
            _status, read, _body = _http(base + call.etag_of, "GET", headers, None)
            sent["If-Match"] = read["ETag"]
        start = time.perf_counter()
        status, answer, body = _http(base + (path or call.path), call.method, sent, call.body)
        seconds = time.perf_counter() - start
        if status != 429:
            return seconds, status, answer, body
        time.sleep(int(answer.get("Retry-After", "1")))


def _row(label: str, seconds: list[float], note: str) -> Row:
    from bench.core import Row

    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return Row(
        label,
        p50_ms=statistics.median(ordered) * 1000,
        p95_ms=p95 * 1000,
        note=f"{note}; {len(ordered) / sum(ordered):.0f} req/s from one client",
    )


def _repeat(base: str, call: ApiCall, secret: str) -> list[float]:
    headers = {"Authorization": f"Bearer {secret}"}
    _send_timed(base, call, headers)  # warm: the token's first use, the worker's imports
    seconds = []
    for _ in range(REPEAT):
        took, status, _headers, body = _send_timed(base, call, headers)
        assert status in {200, 201}, (call.path, status, body[:300])
        seconds.append(took)
    return seconds


def _walk(base: str, call: ApiCall, secret: str) -> tuple[list[float], int]:
    """Every page of the list, following ``next``: the seconds of each, the rows."""
    headers = {"Authorization": f"Bearer {secret}"}
    seconds, rows, path = [], 0, call.path
    while path:
        took, status, _headers, body = _send_timed(base, call, headers, path)
        assert status == 200, (path, status, body[:300])
        answer = json.loads(body)
        seconds.append(took)
        rows += len(answer["items"])
        following = answer["next"]
        path = f"{call.path}&cursor={quote(following)}" if following else None
    return seconds, rows


def forget_written() -> int:
    """Remove the follow-ups earlier runs wrote (``WRITTEN_DONE`` in ``WRITTEN_CODE``), so
    every run writes onto the seeded data; the number removed."""
    from followup.models import FollowUp

    removed, _by_model = FollowUp.objects.filter(
        activity__pledge__municipality__code=WRITTEN_CODE, done=WRITTEN_DONE
    ).delete()
    return removed


def section_api(bench: Bench) -> list[Row]:
    """The three API requests on the national data: latency through the served app,
    queries at demo and national size (equal, or the row says so)."""
    from bench.run import DEMO_DATABASE_URL

    forget_written()
    national = national_calls()
    queries_national = query_counts(national)
    queries_demo = demo_query_counts(DEMO_DATABASE_URL)
    rows = []
    for call in national:
        secret = token_for(call.username, f"bench {call.key}")
        if call.key == "api-activities":
            seconds, count = _walk(bench.url, call, secret)
            row = _row(
                call.label,
                seconds,
                f"{len(seconds)} pages, {count} activities, "
                f"the whole walk {sum(seconds):.1f} s; p50/p95 per page",
            )
        else:
            row = _row(call.label, _repeat(bench.url, call, secret), f"{REPEAT} requests")
        row.queries_demo = queries_demo.get(call.key)
        row.queries_national = queries_national.get(call.key)
        if row.queries_demo != row.queries_national:
            row.note = f"{row.note} **query count differs**"
        rows.append(row)
    return rows


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps(query_counts(demo_calls())))
