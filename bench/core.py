"""What the bench's sections share: the served app (``Bench``), a table row (``Row``),
the interleaved rounds that make a ratio to hello, and the targets of issue 16.

A ratio is the median of ``ROUNDS`` rounds, measured interleaved: hello, page, hello,
page, …, hello; each round's ratio is the page's requests per second over the mean of
the hello runs just before and just after it, so a machine that gets busier or quieter
during a page moves both sides. The spread (min–max of the rounds' ratios) is shown.
"""

from __future__ import annotations

import os
import statistics
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from bench import load, server
from bench.pages import Page, client_for

ROOT = Path(__file__).resolve().parent.parent
#: seconds of wrk per measurement (each of a round's hello and page), and its connections
PAGE_SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
PAGE_CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
#: interleaved rounds per page (at least three)
ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))

#: issue 16's targets: a page's ratio to hello (median of the rounds), by page key
TARGETS: dict[str, float] = {
    "editor": 0.05,
    "editor-draft": 0.05,
    "review-page": 0.05,
    "county-dashboard": 0.06,
    "municipality-list": 0.10,
    "municipality-page": 0.10,
    "review-queue": 0.10,
    "follow-up": 0.10,
    "search": 0.10,
    "search-everything": 0.10,
    "public-search": 0.10,
    "public-index": 0.30,
    "public-pledge": 0.30,
    "empty-signed-in": 0.35,
    "signed-in-ping": 0.35,
    "open-data-conditional": 0.50,
}


def target_for(key: str) -> float | None:
    if key.startswith("start-"):
        return 0.10
    return TARGETS.get(key)


@dataclass
class Row:
    """One line of the table; a section leaves the columns it does not measure empty."""

    label: str
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    #: requests per second relative to the hello view in the same run (the median round)
    vs_hello: float | None = None
    #: the rounds' lowest and highest ratio
    spread: tuple[float, float] | None = None
    #: the target, as text ("≥ 0.05"), and whether it is met (None: nothing to compare)
    target: str = ""
    met: bool | None = None
    queries_demo: int | None = None
    queries_national: int | None = None
    note: str = ""


@dataclass
class Bench:
    """What the sections share: the served app, the pages and their query counts."""

    url: str
    pages: list[Page]
    queries_demo: dict[str, int]
    queries_national: dict[str, int]
    hello_rps: list[float] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    _cookies: dict[str | None, str] = field(default_factory=dict)

    @property
    def hello_median(self) -> float | None:
        return statistics.median(self.hello_rps) if self.hello_rps else None

    def cookie(self, username: str | None) -> str:
        """A session cookie for ``username`` (made by Django's session engine)."""
        if username is None:
            return ""
        if username not in self._cookies:
            session = client_for(username).cookies[settings.SESSION_COOKIE_NAME].value
            self._cookies[username] = f"{settings.SESSION_COOKIE_NAME}={session}"
        return self._cookies[username]

    def get(self, path: str, cookie: str = "", headers: dict | None = None):
        """GET from the served app: status, headers, body (bytes)."""
        request = urllib.request.Request(  # noqa: S310
            self.url + path, headers={"Cookie": cookie, **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get_text(self, path: str, cookie: str = "") -> tuple[int, list[str], str]:
        """GET: status, Set-Cookie headers, body as text."""
        status, headers, body = self.get(path, cookie)
        return status, headers.get_all("Set-Cookie") or [], body.decode()


def wrk_row(label: str, figures: dict, note: str = "") -> Row:
    failures = figures["non_2xx_3xx"] + figures["socket_errors"]
    if failures:
        note = f"{note} **{failures} failed requests**".strip()
    if not figures["requests"]:
        note = f"{note} **no request finished in {figures['seconds']:.0f} s**".strip()
    return Row(label, figures["rps"], figures["p50_ms"], figures["p95_ms"], note=note)


def settle(bench: Bench, *, quick: float = 0.25, limit: float = 120) -> None:
    """Wait until every worker is free: wrk stops sending at its deadline, but requests
    it left queued are still served, and would slow the next measurement."""
    from concurrent.futures import ThreadPoolExecutor

    hello = reverse("bench-hello")
    probes = 2 * server.WORKERS
    deadline = time.monotonic() + limit

    def probe(_n: int) -> float:
        start = time.perf_counter()
        bench.get(hello)
        return time.perf_counter() - start

    with ThreadPoolExecutor(probes) as pool:
        while time.monotonic() < deadline:
            if max(pool.map(probe, range(probes))) < quick:
                return
            time.sleep(0.5)


def hello(bench: Bench) -> dict:
    figures = load.run_wrk(
        bench.url + reverse("bench-hello"), seconds=PAGE_SECONDS, connections=PAGE_CONNECTIONS
    )
    bench.hello_rps.append(figures["rps"])
    return figures


def rounds(bench: Bench, label: str, path: str, *, key: str = "", **wrk) -> Row:
    """``path`` under wrk in ROUNDS rounds interleaved with hello: the median round's
    figures, the median ratio and the spread; the target of ``key`` beside them."""
    hellos = [hello(bench)["rps"]]
    measured = []
    for _ in range(ROUNDS):
        figures = load.run_wrk(
            bench.url + path, seconds=PAGE_SECONDS, connections=PAGE_CONNECTIONS, **wrk
        )
        settle(bench)
        hellos.append(hello(bench)["rps"])
        ratio = figures["rps"] / ((hellos[-2] + hellos[-1]) / 2)
        measured.append((ratio, figures))
    measured.sort(key=lambda item: item[0])
    ratio, figures = measured[len(measured) // 2]
    row = wrk_row(label, figures)
    # a failure in any round is shown, not only in the median one
    failures = sum(f["non_2xx_3xx"] + f["socket_errors"] for _r, f in measured)
    if failures and "failed" not in row.note:
        row.note = f"{row.note} **{failures} failed requests in the rounds**".strip()
    row.vs_hello = ratio
    row.spread = (measured[0][0], measured[-1][0])
    target = target_for(key)
    if target is not None:
        row.target = f"≥ {target:.2f}"
        row.met = ratio >= target
    return row
