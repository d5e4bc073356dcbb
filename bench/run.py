"""`make bench`: seed the national data set and print the benchmark table.

The app runs under gunicorn with production settings (DEBUG off) on a free loopback
port, against the bench's PostgreSQL database and Redis; wrk drives the load from a
second process (bench/load.py). Every figure comes from the same run, so the ratios
to the "hello" baseline survive a noisy machine. Query counts are taken in-process
on the national data and, in a subprocess, on the small demo data (bench/pages.py).

The table is made of sections: each is a function that takes the ``Bench`` and
returns its rows (and may add a summary). Add a section by appending it to
``SECTIONS``. The table is printed and written to bench/results/latest.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import load, server
from bench.pages import Page, client_for, national_pages, query_counts
from bench.seed_national import REVIEW_MUNICIPALITY, draft_pledges, seed  # sets up Django
from councils.models import Role, User
from followup.models import FollowUp
from pledges.models import Activity, Pledge

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"
DEMO_DATABASE_URL = os.environ.get(
    "BENCH_DEMO_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-demo.sqlite3'}"
)
#: seconds of wrk per page, and its connections
PAGE_SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
PAGE_CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
#: the mixed workload: simulated users (wrk connections) and seconds
MIXED_USERS = int(os.environ.get("BENCH_MIXED_USERS", "50"))
MIXED_SECONDS = float(os.environ.get("BENCH_MIXED_SECONDS", "30"))
#: the share of the mixed workload's requests per role
MIXED_WEIGHTS = {"edit": 0.30, "review": 0.20, "dashboard": 0.15, "public": 0.35}


@dataclass
class Row:
    """One line of the table; a section leaves the columns it does not measure empty."""

    label: str
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    #: requests per second relative to the hello view in the same run
    vs_hello: float | None = None
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
    hello_rps: float | None = None
    summaries: list[str] = field(default_factory=list)
    _cookies: dict[str | None, str] = field(default_factory=dict)

    def cookie(self, username: str | None) -> str:
        """A session cookie for ``username`` (made by Django's session engine)."""
        if username is None:
            return ""
        if username not in self._cookies:
            session = client_for(username).cookies[settings.SESSION_COOKIE_NAME].value
            self._cookies[username] = f"{settings.SESSION_COOKIE_NAME}={session}"
        return self._cookies[username]

    def get(self, path: str, cookie: str = "") -> tuple[int, list[str], str]:
        """GET from the served app: status, Set-Cookie headers, body."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return (
                    response.status,
                    response.headers.get_all("Set-Cookie") or [],
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, [], error.read().decode()


# --- sections -------------------------------------------------------------------------


def _wrk_row(label: str, figures: dict, note: str = "") -> Row:
    failures = figures["non_2xx_3xx"] + figures["socket_errors"]
    if failures:
        note = f"{note} **{failures} failed requests**".strip()
    if not figures["requests"]:
        note = f"{note} **no request finished in {figures['seconds']:.0f} s**".strip()
    return Row(label, figures["rps"], figures["p50_ms"], figures["p95_ms"], note=note)


def _settle(bench: Bench, *, quick: float = 0.25, limit: float = 120) -> None:
    """Wait until every worker is free: wrk stops sending at its deadline, but requests
    it left queued are still served, and would slow the next page's figures."""
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


def _hello(bench: Bench) -> dict:
    return load.run_wrk(
        bench.url + reverse("bench-hello"), seconds=PAGE_SECONDS, connections=PAGE_CONNECTIONS
    )


def section_pages(bench: Bench) -> list[Row]:
    """Each main page under wrk, beside the hello view measured before and after it."""
    hello_before = _hello(bench)
    rows = []
    for page in bench.pages:
        cookie = bench.cookie(page.username)
        for _ in range(2 * server.WORKERS):  # every worker has compiled the templates
            status, _cookies, _body = bench.get(page.url, cookie)
            assert status == 200, (page.url, status)
        figures = load.run_wrk(
            bench.url + page.url,
            seconds=PAGE_SECONDS,
            connections=PAGE_CONNECTIONS,
            headers={"Cookie": cookie} if cookie else None,
        )
        _settle(bench)
        row = _wrk_row(page.label, figures)
        row.queries_demo = bench.queries_demo.get(page.key)
        row.queries_national = bench.queries_national.get(page.key)
        if row.queries_demo != row.queries_national:
            row.note = f"{row.note} **query count differs**".strip()
        rows.append(row)
    hello_after = _hello(bench)
    bench.hello_rps = (hello_before["rps"] + hello_after["rps"]) / 2
    for row in rows:
        row.vs_hello = row.rps / bench.hello_rps
    hello = _wrk_row(
        "hello (baseline: middleware, no database)",
        hello_before,
        f"before the pages {hello_before['rps']:.0f} req/s, after {hello_after['rps']:.0f}",
    )
    hello.rps, hello.vs_hello = bench.hello_rps, 1.0
    return [hello, *rows]


def _edit_body(activity: Activity) -> str:
    """The activity row's form as the browser sends it, with the title and the version
    left as placeholders for the wrk script (it alternates the title)."""
    from pledges.forms import ActivityForm

    form = ActivityForm(instance=activity, pledge=activity.pledge, prefix=f"activity-{activity.pk}")
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "version":
            value = "__VERSION__"
        elif name == "title":
            value = f"Aktivitet {activity.order}: trygghetsvandring __TITLE__"
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = (
                value.isoformat() if hasattr(value, "isoformat") else str(value)
            )
    return urlencode(data, doseq=True)


def _coordinator_edits(bench: Bench) -> list[dict]:
    """Every activity of the draft pledges, with its coordinator's session and CSRF token
    (from the editor page, as the browser gets them) and its form body."""
    edits = []
    for pledge in draft_pledges().select_related("municipality"):
        cookie = bench.cookie(f"coord{pledge.municipality.code}")
        status, set_cookies, body = bench.get(reverse("pledge-detail", args=[pledge.pk]), cookie)
        assert status == 200, (pledge.pk, status)
        jar = SimpleCookie()
        for header in set_cookies:
            jar.load(header)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)
        csrf_cookie = jar[settings.CSRF_COOKIE_NAME].value
        activities = pledge.activities.filter(deleted_at__isnull=True).select_related(
            "pledge__municipality__county"
        )
        edits += [
            {
                "pk": a.pk,
                "path": reverse("activity-edit", args=[a.pk]),
                "body": _edit_body(a),
                "version": a.version,
                "cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}",
                "csrf": token,
            }
            for a in activities
        ]
    return edits


def _check_edit(bench: Bench, edit: dict) -> None:
    """One save through the served app, so a form the app refuses fails loudly here."""
    body = edit["body"].replace("__VERSION__", str(edit["version"])).replace("__TITLE__", "A")
    request = urllib.request.Request(  # noqa: S310
        bench.url + edit["path"],
        data=body.encode(),
        headers={
            "Cookie": edit["cookie"],
            "X-CSRFToken": edit["csrf"],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        text = response.read().decode()
        assert response.status == 200 and text.lstrip().startswith("<tr"), text[:500]
    edit["version"] += 1


def section_mixed(bench: Bench) -> list[Row]:
    """Coordinators saving rows, liaisons reviewing, county officers on the dashboard,
    residents on the public pages: MIXED_USERS connections for MIXED_SECONDS."""
    _settle(bench)
    edits = _coordinator_edits(bench)
    _check_edit(bench, edits[0])
    stockholm_liaisons = User.objects.filter(
        memberships__role=Role.POLICE_LIAISON,
        memberships__organisation__local_police_area__municipalities__code=REVIEW_MUNICIPALITY,
    )
    in_review = Pledge.objects.get(
        municipality__code=REVIEW_MUNICIPALITY, status=Pledge.Status.IN_REVIEW
    )
    queue = reverse("review-queue")
    review = reverse("pledge-review", args=[in_review.pk])
    liaisons = [
        {"cookie": bench.cookie(u.username), "paths": [queue, review]} for u in stockholm_liaisons
    ] + [
        {"cookie": bench.cookie(username), "paths": [queue]}
        for username in User.objects.filter(
            username__startswith="police", memberships__role=Role.POLICE_LIAISON
        )
        .exclude(pk__in=stockholm_liaisons)
        .order_by("username")
        .values_list("username", flat=True)[:10]
    ]
    officers = [
        {"cookie": bench.cookie(f"county{code}"), "path": reverse("county-dashboard", args=[code])}
        for code in ("14", "01", "12", "03")
    ]
    published = Pledge.objects.filter(
        status=Pledge.Status.PUBLISHED, title__startswith="Bench: "
    ).select_related("municipality")
    public = [reverse("public-pledge", args=[p.pk]) for p in published]
    public += [reverse("public-municipality", args=[p.municipality.code]) for p in published[:20]]
    public += [reverse("public-index")] * 10
    data = {
        "weights": MIXED_WEIGHTS,
        "edits": edits,
        "liaisons": liaisons,
        "officers": officers,
        "public": public,
    }
    data_file = ROOT / "var" / "bench-mixed-data.lua"
    data_file.write_text("return " + load.to_lua(data) + "\n", encoding="ascii")
    figures = load.run_wrk(
        bench.url + "/",
        script="mixed.lua",
        seconds=MIXED_SECONDS,
        connections=MIXED_USERS,
        env={"BENCH_MIXED_DATA": str(data_file)},
    )
    _settle(bench)
    errors = figures["errors"] + figures["socket_errors"]
    note = (
        f"p99 {figures['p99_ms']:.0f} ms; {figures['conflicts']} version conflicts (409); "
        f"{errors} errors"
    )
    if errors or figures["redirects"]:
        note += f" **{figures['redirects']} redirects; first error: {figures['first_error']}**"
    row = Row(
        f"mixed workload: {MIXED_USERS} users for {MIXED_SECONDS:.0f} s",
        figures["rps"],
        figures["p50_ms"],
        figures["p95_ms"],
        figures["rps"] / bench.hello_rps if bench.hello_rps else None,
        note=note,
    )
    bench.summaries.append(
        "| mixed workload | value |\n|---|---:|\n"
        f"| simulated users (wrk connections) | {MIXED_USERS} |\n"
        f"| duration, s | {figures['seconds']:.1f} |\n"
        f"| requests | {figures['requests']} |\n"
        f"| throughput, req/s | {figures['rps']:.1f} |\n"
        f"| p50 / p95 / p99 ms | {figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} / "
        f"{figures['p99_ms']:.1f} |\n"
        f"| coordinators' htmx saves | {figures['edits']} |\n"
        f"| liaisons' review queue and review page | {figures['reviews']} |\n"
        f"| county officers' dashboards | {figures['dashboards']} |\n"
        f"| residents' public pages | {figures['public']} |\n"
        f"| answered 2xx | {figures['ok']} |\n"
        f"| version conflicts (409, the app's answer to a stale save) | "
        f"{figures['conflicts']} |\n"
        f"| redirects (3xx: none expected) | {figures['redirects']} |\n"
        f"| errors (other non-2xx/3xx, socket errors) | {errors} |"
    )
    return [row]


def section_daily_job(bench: Bench) -> list[Row]:
    """The daily reminder job on the national data: time, queries, e-mails (sent to
    Django's in-memory mailbox, run eagerly), and a second run that must send nothing.
    The bench's own database forgets the reminders of earlier runs first, so the first
    run does a fresh day's work however often the bench runs."""
    from django.core import mail
    from django.test.utils import override_settings

    from config.celery import app
    from followup.models import DigestEmail, Reminder
    from followup.reminders import run_daily

    DigestEmail.objects.all().delete()
    Reminder.objects.all().delete()

    rows = []
    mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with override_settings(MAILERS=mailers, CELERY_TASK_ALWAYS_EAGER=True):
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            for label in ("daily reminder job, first run", "daily reminder job, again same day"):
                mail.outbox = []
                before = Reminder.objects.count()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    run_daily()
                seconds = time.perf_counter() - start
                created = Reminder.objects.count() - before
                rows.append(
                    Row(
                        label,
                        queries_national=len(captured),
                        note=f"{seconds:.2f} s; {created} reminders recorded; "
                        f"{len(mail.outbox)} e-mails",
                    )
                )
        finally:
            app.conf.task_always_eager = eager
    return rows


def section_pdf(bench: Bench) -> list[Row]:
    """The county summary PDF of Västra Götaland: WeasyPrint (as the report task prints
    it) against Chromium's print-to-PDF of the same HTML, each in its own process
    (bench/pdf.py): time, peak memory, pages."""
    from django.utils import timezone

    from bench import pdf

    load.ensure_program(
        pdf.CHROMIUM,
        "chromium",
        "install Chromium (`sudo apt-get install chromium`) or set BENCH_CHROMIUM",
    )
    result = pdf.measure(timezone.localdate().year)
    bench.summaries.append(
        f"County summary PDF: the HTML ({result['html_kb']:.0f} kB) was built in "
        f"{result['html_seconds']:.2f} s; each printer ran in its own process on the same "
        "HTML and fonts; peak memory is the process's maximum resident set size."
    )
    return [Row(label, note=note) for label, note in pdf.rows(result)]


#: The table, section by section, in order; each returns its rows.
SECTIONS: list[Callable[[Bench], list[Row]]] = [
    section_pages,
    section_mixed,
    section_daily_job,
    section_pdf,
]


# --- the run ----------------------------------------------------------------------------


def demo_query_counts() -> dict[str, int]:
    """The pages' query counts on the demo data (seeded once, in its own database)."""
    env = {**os.environ, "DATABASE_URL": DEMO_DATABASE_URL, "REDIS_URL": "", "DEBUG": "true"}

    def manage(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True
        )
        if done.returncode:
            raise SystemExit(done.stdout.decode() + done.stderr.decode())

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("load_reference_data")
    manage("seed_demo")
    done = subprocess.run(
        [sys.executable, "-m", "bench.pages"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(value, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def render_table(rows: list[Row]) -> str:
    lines = [
        "| measurement | req/s | p50 ms | p95 ms | × hello | queries (demo) | "
        "queries (national) | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r.label} | {_cell(r.rps, '.0f')} | {_cell(r.p50_ms, '.1f')} | "
        f"{_cell(r.p95_ms, '.1f')} | {_cell(r.vs_hello, '.2f')} | "
        f"{_cell(r.queries_demo, 'd')} | {_cell(r.queries_national, 'd')} | {r.note} |"
        for r in rows
    ]
    return "\n".join(lines)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    ram = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", info).group(1).strip()
        kib = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{ram}"


def _versions() -> str:
    import gunicorn

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database = cursor.fetchone()[0]
    database = (
        str(database).split(" on ")[0] if connection.vendor == "postgresql" else connection.vendor
    )
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, {database}, "
        f"gunicorn {gunicorn.__version__} ({server.WORKERS} sync workers), "
        f"wrk {load.wrk_version()} ({load.THREADS} threads)"
    )


_STARTED = time.perf_counter()


def _step(text: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {text}", flush=True)


def main() -> None:
    load.ensure_wrk()
    seed()
    if connection.vendor == "postgresql":
        # fresh bulk-loaded tables have no planner statistics until autovacuum gets
        # round to them; without, PostgreSQL plans for the wrong row counts
        _step("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    pages = national_pages()
    _step("query counts on the demo data")
    queries_demo = demo_query_counts()
    _step("query counts on the national data")
    queries_national = query_counts(pages)
    env = server.production_env(
        database_url=settings.DATABASE_URL,
        redis_url=settings.REDIS_URL or "",
        secret_key=settings.SECRET_KEY,
    )
    _step("collectstatic and gunicorn (production settings)")
    server.collectstatic(env)
    rows: list[Row] = []
    load_before = os.getloadavg()[0]
    with server.gunicorn(env) as url:
        bench = Bench(url, pages, queries_demo, queries_national)
        for section in SECTIONS:
            _step(section.__name__)
            rows += section(bench)

    differ = [p.label for p in pages if queries_demo.get(p.key) != queries_national.get(p.key)]
    volume = (
        f"Data: {Activity.objects.count()} activities, {FollowUp.objects.count()} follow-ups, "
        f"{Pledge.objects.count()} pledges."
    )
    meta = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()}: {_machine()}. "
        f"{_versions()}. wrk ran {PAGE_SECONDS:.0f} s with {PAGE_CONNECTIONS} connections per "
        "page, from a second process on 127.0.0.1; × hello is a page's req/s over the hello "
        "view's in the same run. One-minute load average when the load began "
        f"{load_before:.1f}, when it ended {os.getloadavg()[0]:.1f}."
    )
    parts = [render_table(rows), *bench.summaries, volume]
    parts.append(
        "Query counts differ between demo and national data for: " + "; ".join(differ)
        if differ
        else "Query counts are equal on the demo and the national data for every page."
    )
    table = "\n\n".join(parts)
    print(table)
    print(meta)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"# Benchmarks\n\n{meta}\n\n{table}\n", encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
