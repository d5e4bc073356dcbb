"""`make bench`: seed the national data set and print the benchmark table.

The app runs under gunicorn with production settings (DEBUG off) on a free loopback
port, against the bench's PostgreSQL database and Redis; wrk drives the load from a
second process (bench/load.py). Each page is measured in interleaved rounds with the
"hello" baseline (bench/core.py), so its ratio to hello survives a noisy machine; the
median round is shown with the spread of the rounds. Query counts are taken in-process
on the national data and, in a subprocess, on the small demo data (bench/pages.py).

The table is made of sections: each is a function that takes the ``Bench`` and
returns its rows (and may add a summary); they live in bench/sections_*.py. Add a
section by appending it to ``SECTIONS``. The table is printed and written to
bench/results/latest.md.

``python -m bench.run --quick KEY`` measures one page (a key of bench/pages.py, e.g.
``editor``), the EST report form's save (``est-report-save``) or the conditional open-data
request (``open-data-conditional``), and prints its row only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

from bench import load, server
from bench.api import section_api
from bench.core import PAGE_CONNECTIONS, PAGE_SECONDS, ROUNDS, Bench, Row
from bench.pages import Page, Post, national_pages, national_posts, post_counts, query_counts
from bench.sections_jobs import section_daily_job, section_pdf, section_retention
from bench.sections_mixed import section_mixed
from bench.sections_pages import (
    hello_row,
    page_row,
    post_row,
    section_est_save,
    section_open_data_conditional,
    section_pages,
)
from bench.seed_national import seed  # sets up Django
from est.models import Place, Report, WeeklyTotal
from followup.models import FollowUp
from pledges.models import Activity, Pledge

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"
DEMO_DATABASE_URL = os.environ.get(
    "BENCH_DEMO_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-demo.sqlite3'}"
)

#: The table, section by section, in order; each returns its rows.
SECTIONS: list[Callable[[Bench], list[Row]]] = [
    section_pages,
    section_api,
    section_open_data_conditional,
    section_est_save,
    section_mixed,
    section_daily_job,
    section_retention,
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


def _mark(row: Row) -> str:
    if not row.target:
        return ""
    return f"{row.target} {'✓' if row.met else '✗'}" if row.met is not None else row.target


def render_table(rows: list[Row]) -> str:
    lines = [
        f"| measurement | req/s | p50 ms | p95 ms | × hello (median of {ROUNDS}) | spread | "
        "target (✓ met) | queries (demo) | queries (national) | notes |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    lines += [
        f"| {r.label} | {_cell(r.rps, '.0f')} | {_cell(r.p50_ms, '.1f')} | "
        f"{_cell(r.p95_ms, '.1f')} | {_cell(r.vs_hello, '.3f')} | "
        f"{f'{r.spread[0]:.3f}–{r.spread[1]:.3f}' if r.spread else ''} | {_mark(r)} | "
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


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def header(load_before: str) -> str:
    """The machine and the load, printed at the top of the table."""
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()}: {_machine()}. "
        f"{_versions()}.\n\n"
        f"Load average (1 / 5 / 15 min) when the load began: {load_before}; when it ended: "
        f"{_load_average()} (on {os.cpu_count()} cores).\n\n"
        f"Each page: {ROUNDS} rounds interleaved with hello (hello, page, hello, …, hello), "
        f"wrk {PAGE_SECONDS:.0f} s with {PAGE_CONNECTIONS} connections each, from a second "
        "process on 127.0.0.1. A round's ratio is the page's req/s over the mean of the hello "
        "runs just before and after it; × hello is the median round's (its req/s and "
        "latencies are shown), spread the lowest and highest round's. Targets are issue 16's."
    )


_STARTED = time.perf_counter()


def _step(text: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {text}", flush=True)


def _prepare(*, collect: bool = True) -> dict[str, str]:
    load.ensure_wrk()
    _step("seed (once) and ANALYZE")
    seed()
    if connection.vendor == "postgresql":
        # fresh bulk-loaded tables have no planner statistics until autovacuum gets round
        # to them (where it runs at all): without, PostgreSQL plans for the wrong row
        # counts (a search took 2.5 s, not 3 ms). About a second, so --quick runs it too.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    env = server.production_env(
        database_url=settings.DATABASE_URL,
        redis_url=settings.REDIS_URL or "",
        secret_key=settings.SECRET_KEY,
    )
    if collect or not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        _step("collectstatic")
        server.collectstatic(env)
    return env


def quick(keys: list[str]) -> None:
    """One page's (or form save's) row, in rounds with hello (or a few, comma-separated):
    nothing else is measured, collectstatic only when never run, and latest.md is left as
    it is."""
    env = _prepare(collect=False)  # seeds the data the pages are found in, when missing
    known = {p.key: p for p in [*national_pages(), *national_posts()]}
    sections = {"open-data-conditional": section_open_data_conditional}
    if unknown := [k for k in keys if k not in known and k not in sections]:
        raise SystemExit(f"no page {', '.join(unknown)}; one of: {', '.join([*known, *sections])}")
    chosen = [known[k] for k in keys if k in known]
    pages = [p for p in chosen if isinstance(p, Page)]
    queries = query_counts(pages) | post_counts([p for p in chosen if isinstance(p, Post)])
    load_before = _load_average()
    _step(f"gunicorn (production settings), {ROUNDS} rounds of {', '.join(keys)}")
    with server.gunicorn(env) as url:
        bench = Bench(url, pages, {}, queries)
        rows = [page_row(bench, p) if isinstance(p, Page) else post_row(bench, p) for p in chosen]
        rows += [row for k in keys if k in sections for row in sections[k](bench)]
        rows = [hello_row(bench), *rows]
    print(header(load_before))
    print()
    print(render_table(rows))


def main() -> None:
    env = _prepare()
    pages = national_pages()
    _step("query counts on the demo data")
    queries_demo = demo_query_counts()
    _step("query counts on the national data")
    queries_national = query_counts(pages) | post_counts(national_posts())
    rows: list[Row] = []
    failed: list[str] = []
    load_before = _load_average()
    with server.gunicorn(env) as url:
        bench = Bench(url, pages, queries_demo, queries_national)
        for section in SECTIONS:
            _step(section.__name__)
            try:
                rows += section(bench)
            except Exception as error:  # shown in the table, and exit 1
                failed.append(section.__name__)
                traceback.print_exc()
                rows.append(Row(section.__name__, note=f"**failed: {error!r}**"[:300]))

    differ = sorted(k for k in queries_national if queries_demo.get(k) != queries_national[k])
    volume = (
        f"Data: {Activity.objects.count()} activities, {FollowUp.objects.count()} follow-ups, "
        f"{Pledge.objects.count()} pledges; EST: {Place.objects.count()} places, "
        f"{Report.objects.count()} incident reports, {WeeklyTotal.objects.count()} weekly "
        "totals."
    )
    parts = [render_table(rows), *bench.summaries, volume]
    parts.append(
        "Query counts differ between demo and national data for: " + "; ".join(differ)
        if differ
        else "Query counts are equal on the demo and the national data for every page and "
        "form save."
    )
    meta = header(load_before)
    table = "\n\n".join(parts)
    print(meta)
    print()
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"# Benchmarks\n\n{meta}\n\n{table}\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    if failed:
        raise SystemExit(f"sections failed: {', '.join(failed)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", metavar="KEY", help="measure one page (or form save) only; KEY,KEY for a few"
    )
    arguments = parser.parse_args()
    if arguments.quick:
        quick(arguments.quick.split(","))
    else:
        main()
