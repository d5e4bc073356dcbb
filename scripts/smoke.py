"""`make smoke`: the production process set on this machine, proven over HTTP.

Starts what the README's production layout runs (two gunicorn web processes, one Celery
worker, Celery beat), each in a working directory of its own, sharing only PostgreSQL,
Redis and the file storage (FILE_STORAGE=database); e-mail goes to an SMTP server this
script runs. Then, over HTTP only and alternating between the two web processes, it
checks a pledge submitted for review (one e-mail to the police), the county summary
PDF (asked on one process, rendered by the worker, downloaded from the other), the
daily reminders (each digest once), a worker killed mid-render (one complete PDF in
the end), the security headers and the static files. Exits non-zero naming the step
on any 5xx, lost or doubled e-mail or missing file, and always stops what it started.

Environment: SMOKE_DATABASE_URL (the server's maintenance database; the smoke creates
and drops its own database beside it), SMOKE_REDIS_URL (a database number of its own,
flushed first).
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import psycopg  # noqa: E402
import redis  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from smoke_kit import (  # noqa: E402
    Browser,
    Mailbox,
    Processes,
    Response,
    SmokeFailure,
    wait_until,
)

from bench.server import free_port, production_env, wait_until_up  # noqa: E402

SERVER_URL = os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("SMOKE_DATABASE", "samverkan_smoke")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/12")
#: seconds without a sign of life after which a render has stalled (production: 960)
STALE_AFTER = 30
#: the waits are generous: CI shares its cores with other work
WAIT = float(os.environ.get("SMOKE_WAIT", "120"))
#: seconds to listen for a duplicate e-mail after the expected ones arrived
QUIET = 4
#: paragraphs of the long pledge text, so the PDF renders for seconds (to be killed)
LONG = 250
#: `check --deploy` warnings that do not apply to plain http on loopback (the smoke
#: turns the redirect and secure cookies off, as the README says for such a set-up)
LOOPBACK_ONLY = {"security.W008", "security.W012", "security.W016"}


def demo_password() -> str:
    """``councils.demo.DEMO_PASSWORD``, read from the source (the smoke runs no Django)."""
    tree = ast.parse((ROOT / "councils" / "demo.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DEMO_PASSWORD" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise SmokeFailure("councils/demo.py has no DEMO_PASSWORD")


def database_url(name: str) -> str:
    return urllib.parse.urlparse(SERVER_URL)._replace(path=f"/{name}").geturl()


class Smoke:
    def __init__(self, stack: ExitStack, work: Path) -> None:
        self.stack = stack
        self.work = work
        self.processes = Processes()
        self.mailbox = stack.enter_context(Mailbox())
        self.env = production_env(
            database_url=database_url(DATABASE),
            redis_url=REDIS_URL,
            secret_key=secrets.token_urlsafe(50),
        )
        self.env.update(
            ALLOWED_HOSTS="127.0.0.1",
            BENCH_HELLO="false",
            FILE_STORAGE="database",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.mailbox.port),
            EMAIL_TIMEOUT="20",
            REPORT_STALE_AFTER=str(STALE_AFTER),
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
            STATIC_ROOT=str(work / "static"),
        )
        self.webs: list[str] = []
        self.worker = None
        self.db = None
        self.people: dict[str, Browser] = {}
        self.counted = 0
        #: e-mails the steps expected: at the end, every e-mail received is one of them
        self.expected_mails = 0

    # --- helpers -----------------------------------------------------------------

    def process_env(self, cwd: Path) -> dict[str, str]:
        """Each process has its own copy of the static files (as each host has the
        image's) and its own media folder, which must stay empty (files go to the
        database)."""
        static = cwd / "static"
        if not static.exists():
            shutil.copytree(self.work / "static", static)
        return {**self.env, "STATIC_ROOT": str(static), "MEDIA_ROOT": str(cwd / "media")}

    def manage(self, *args: str, env: dict | None = None) -> str:
        return self.manage_started(*args, env=env)()

    def manage_started(self, *args: str, env: dict | None = None) -> Callable[[], str]:
        """``manage.py`` started in the operator's directory; call the result to wait
        for it (its output, or SmokeFailure)."""
        cwd = self.work / "operator"
        cwd.mkdir(exist_ok=True)
        began = time.monotonic()
        output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by finish()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=cwd,
            env=env or self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.stack.callback(_end, process)
        ended: list[float] = []
        waiter = threading.Thread(
            target=lambda: (process.wait(), ended.append(time.monotonic())), daemon=True
        )
        waiter.start()

        def finish() -> str:
            waiter.join(timeout=900)
            output.seek(0)
            text = output.read()
            output.close()
            if not ended or process.returncode != 0:
                raise SmokeFailure(f"manage.py {' '.join(args)}:\n{text}")
            print(f"smoke: {ended[0] - began:8.1f} s    manage.py {args[0]}", flush=True)
            return text

        return finish

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def celery_call(self, task: str) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "config", "call", task],
            cwd=self.work / "operator",
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def sql(self, query: str, *args) -> list[tuple]:
        return self.db.execute(query, args).fetchall()

    def web(self, n: int) -> str:
        return self.webs[n % 2]

    def browser(self, username: str) -> Browser:
        if username not in self.people:
            self.people[username] = Browser(username, self.check_response)
        return self.people[username]

    def check_response(self, response: Response) -> None:
        self.counted += 1
        check_security_headers(response)

    # --- set-up ------------------------------------------------------------------

    def fresh_stores(self) -> None:
        with psycopg.connect(SERVER_URL, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{DATABASE}"')
        self.stack.callback(drop_database)
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.stack.callback(lambda: redis.Redis.from_url(REDIS_URL).flushdb())
        # unwound first: the processes stop before their database and Redis go
        self.stack.callback(self.processes.stop_all)
        self.db = self.stack.enter_context(psycopg.connect(database_url(DATABASE), autocommit=True))

    def operator_setup(self) -> None:
        """What the README and compose run before the processes start."""
        # what needs no database runs beside the migrations
        static = self.manage_started("collectstatic", "--noinput", "--verbosity", "0")
        deploy = self.manage_started("check", "--deploy")
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_reference_data")
        self.manage("load_regional_themes")
        # the demo data with production settings: seed_demo asks for --allow-production
        # when DEBUG is off, and sends nothing (it is also run without REDIS_URL, so
        # nothing is ever queued for the worker)
        self.manage(
            "seed_demo",
            "--allow-production",
            env={k: v for k, v in self.env.items() if k != "REDIS_URL"},
        )
        self.shell(SCENARIO_DATA.replace("LONG", str(LONG)))
        check_deploy(deploy())
        static()

    def start_processes(self) -> None:
        for n in (1, 2):
            cwd = self.work / f"web{n}"
            port = free_port()
            command = [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-"),
                # its own control socket: the default ($HOME/.gunicorn) is one per user
                *("--control-socket", str(cwd / "gunicorn.ctl")),
            ]
            self.processes.start(f"web{n}", command, cwd=cwd, env=self.process_env(cwd))
            self.webs.append(f"http://127.0.0.1:{port}")
        self.worker = self.start_worker("worker1")
        cwd = self.work / "beat"
        beat = self.processes.start(
            "beat",
            [
                *(sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"),
                *("--schedule", str(cwd / "celerybeat-schedule")),
            ],
            cwd=cwd,
            env=self.process_env(cwd),
        )
        for url, entry in zip(self.webs, self.processes.started[:2], strict=True):
            try:
                wait_until_up(url, entry.process, timeout=WAIT)
            except SystemExit as down:
                raise SmokeFailure(f"{entry.name}: {down}\n{entry.tail()}") from None
        wait_until(lambda: "Starting" in beat.log.read_text(), WAIT, f"beat:\n{beat.tail()}")

    def start_worker(self, name: str):
        cwd = self.work / name
        worker = self.processes.start(
            name,
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info"),
                *("--concurrency", "2", "-n", f"{name}@%h"),
            ],
            cwd=cwd,
            env=self.process_env(cwd),
        )
        wait_until(
            lambda: worker.process.poll() is None and " ready." in worker.log.read_text(),
            WAIT,
            f"{name} to be ready:\n{worker.tail()}",
        )
        return worker

    # --- the steps -----------------------------------------------------------------

    def login(self, username: str, on: int) -> Browser:
        browser = self.browser(username)
        page = browser.get(f"{self.web(on)}/accounts/login/")
        answer = browser.submit(
            page, "/accounts/login/", {"username": username, "password": demo_password()}
        )
        if answer.status != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
            raise SmokeFailure(
                f"{username} could not log in on {self.web(on)}: {answer.status} "
                f"{answer.headers.get('Location')}\n{answer.text[:3000]}"
            )
        return browser

    def step_submit(self) -> None:
        """A coordinator logs in on web 1, edits the draft pledge and submits it on web 2:
        the police liaison's e-mail arrives once."""
        pledge = self.one(
            "SELECT p.id FROM pledges_pledge p JOIN councils_municipality m"
            " ON m.id = p.municipality_id WHERE m.code = '0305'"
        )
        before = self.mailbox.since()
        expect(not before, f"e-mail sent before the scenario started: {before}")
        coordinator = self.login("samordnare.enkoping", 0)
        form = coordinator.get(f"{self.web(1)}/pledges/{pledge}/sections/text/")
        expect(form.status == 200, f"the text section's form on web 2: {form.status}")
        saved = coordinator.submit(
            form,
            f"/pledges/{pledge}/sections/text/",
            {"public_text": "Polisen och Håbo kommun lovar fler trygghetsvandringar (smoke)."},
        )
        expect(saved.status == 302, f"saving the pledge text: {saved.status}\n{saved.text[:2000]}")
        text = self.one("SELECT public_text FROM pledges_pledge WHERE id = %s", pledge)
        expect("(smoke)" in text, "the edited text is not in the database")
        mark = self.mailbox.mark()
        detail = coordinator.get(f"{self.web(0)}/pledges/{pledge}/")
        sent = coordinator.submit(detail, f"/pledges/{pledge}/submit/", {})
        expect(sent.status == 302, f"submitting the pledge: {sent.status}")
        status = self.one("SELECT status FROM pledges_pledge WHERE id = %s", pledge)
        expect(status == "in_review", f"the pledge is {status!r}, not in review")
        self.expected_mails += 1
        self.mailbox.expect(
            mark,
            ["kommunpolis.enkoping@example.se"],
            seconds=WAIT,
            quiet=QUIET,
            what="the police liaison's notice",
        )

    def step_county_pdf(self) -> None:
        """The county officer asks for the summary on web 1; progress and download on 2."""
        officer = self.login("lansstyrelsen", 1)
        form = officer.get(f"{self.web(0)}/counties/03/report/")
        asked = officer.submit(form, "/counties/03/report/", {})
        expect(asked.status == 302, f"asking for the county summary: {asked.status}")
        report = int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        self.wait_for_report(officer, report, on=1)
        self.download(officer, report, on=1)

    def wait_for_report(self, browser: Browser, report: int, on: int, seconds=WAIT) -> None:
        url = f"{self.web(on)}/reports/{report}/"

        def done() -> bool:
            page = browser.get(url, **{"HX-Request": "true"})
            expect(page.status == 200, f"report {report}'s status: {page.status}")
            return f"/reports/{report}/download/" in page.text

        wait_until(done, seconds, f"report {report} to be rendered\n{self.worker.tail()}", 1)

    def download(self, browser: Browser, report: int, on: int) -> PdfReader:
        answer = browser.get(f"{self.web(on)}/reports/{report}/download/")
        expect(answer.status == 200, f"downloading report {report}: {answer.status}")
        expect(answer.body.startswith(b"%PDF-"), f"report {report} is not a PDF")
        pdf = PdfReader(io.BytesIO(answer.body))
        expect(len(pdf.pages) >= 1, f"report {report}'s PDF has no pages")
        return pdf

    def step_reminders(self) -> None:
        """The daily reminder job, triggered once: each digest the database says is due
        arrives once."""
        due = json.loads(self.shell(DUE_DIGESTS).strip().splitlines()[-1])
        expect(due, "no digest is due: the smoke's data should make some")
        mark = self.mailbox.mark()
        self.celery_call("followup.daily_reminders")
        self.expected_mails += len(due)
        mails = self.mailbox.expect(mark, due, seconds=WAIT, quiet=QUIET, what="the digests")
        expect(all("Samverkan" in m.subject for m in mails), f"unexpected subjects: {mails}")
        sent = self.one("SELECT count(*) FROM followup_digestemail WHERE sent_at IS NOT NULL")
        expect(sent == len(due), f"{sent} digests recorded as sent, {len(due)} e-mailed")

    def step_worker_killed(self) -> None:
        """The worker is killed (SIGKILL, its whole group) mid-render; another worker and
        the report sweep still end with one complete PDF."""
        pledge = self.one(
            "SELECT p.id FROM pledges_pledge p JOIN councils_municipality m"
            " ON m.id = p.municipality_id WHERE m.code = '0380'"
        )
        coordinator = self.login("samordnare", 0)
        page = coordinator.get(f"{self.web(1)}/pledges/{pledge}/")
        asked = coordinator.submit(page, f"/pledges/{pledge}/report/public/", {})
        expect(asked.status == 302, f"asking for the pledge PDF: {asked.status}")
        report = int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        query = "SELECT status, progress, attempts FROM followup_report WHERE id = %s"

        def in_layout() -> bool:
            status, progress, _attempts = self.sql(query, report)[0]
            expect(status in ("queued", "running"), f"the render ended ({status}) before the kill")
            return status == "running" and progress >= 50

        wait_until(in_layout, WAIT, "the worker to be well into the render", every=0.05)
        self.processes.kill(self.worker)
        status, _progress, attempts = self.sql(query, report)[0]
        expect(
            status == "running" and attempts == 1,
            f"the render was not cut short ({status}, attempt {attempts}): make it longer",
        )
        self.worker = self.start_worker("worker2")
        stale = "SELECT extract(epoch FROM now() - heartbeat_at) FROM followup_report WHERE id = %s"
        waited = float(self.one(stale, report))
        time.sleep(max(0.0, STALE_AFTER + 1 - waited))
        self.celery_call("followup.sweep_reports")
        self.wait_for_report(coordinator, report, on=1, seconds=WAIT + STALE_AFTER)
        status, progress, attempts = self.sql(query, report)[0]
        expect(
            (status, progress, attempts) == ("done", 100, 2),
            f"report {report}: {status} {progress}% after {attempts} attempts",
        )
        self.download(coordinator, report, on=0)
        took = self.one(
            "SELECT extract(epoch FROM finished_at - started_at) FROM followup_report"
            " WHERE id = %s",
            report,
        )
        print(f"smoke:          (the second render took {float(took):.1f} s)", flush=True)

    def step_end(self) -> None:
        """Files and static files, and every e-mail of the run was one a step expected."""
        self.step_files()
        self.step_static()
        time.sleep(QUIET)
        mails = self.mailbox.since()
        expect(
            len(mails) == self.expected_mails,
            f"{len(mails)} e-mails received in all, {self.expected_mails} expected: {mails}",
        )

    def step_files(self) -> None:
        """Every finished report has its file in the database, and no other report file
        is stored; nothing was written to any process's media folder."""
        done = {r[0] for r in self.sql("SELECT file FROM followup_report WHERE status = 'done'")}
        stored = {
            r[0] for r in self.sql("SELECT name FROM files_storedfile WHERE name LIKE 'reports/%%'")
        }
        expect(len(done) == 2 and done == stored, f"reports' files {done}, stored {stored}")
        local = [p for p in self.work.glob("*/media/**/*") if p.is_file()]
        expect(not local, f"files written to a local media folder: {local}")

    def step_static(self) -> None:
        """Static files from whitenoise: hashed names cached for a year, compressed."""
        browser = self.browser("anonymous")
        page = browser.get(f"{self.web(0)}/accounts/login/")
        names = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page.text)
        expect(names, "the login page links no hashed static file")
        for n, name in enumerate(names[:4]):
            answer = browser.get(f"{self.web(n)}{name}", **{"Accept-Encoding": "gzip"})
            expect(answer.status == 200, f"{name}: {answer.status}")
            cache = answer.headers.get("Cache-Control", "")
            age = re.search(r"max-age=(\d+)", cache)
            expect(age and int(age.group(1)) >= 365 * 24 * 3600, f"{name}: Cache-Control {cache!r}")
            expect(answer.headers.get("Content-Encoding") == "gzip", f"{name}: not compressed")
            gzip.decompress(answer.body)

    def one(self, query: str, *args):
        rows = self.sql(query, *args)
        expect(len(rows) == 1, f"one row expected from {query!r}, got {rows}")
        return rows[0][0]


def check_deploy(output: str) -> None:
    """``check --deploy``'s output: no issue but those of plain http on loopback."""
    found = set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", output))
    unexpected = found - LOOPBACK_ONLY
    if unexpected or ("identified some issues" in output and not found):
        raise SmokeFailure(f"check --deploy: {sorted(unexpected)}\n{output}")


def expect(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def check_security_headers(response: Response) -> None:
    """What tests/test_security_headers.py asks of every response, over the wire."""
    h = {k.lower(): v for k, v in response.headers.items()}
    where = f"{response.url} ({response.status})"
    expect(h.get("x-content-type-options") == "nosniff", f"{where}: no nosniff")
    expect(h.get("referrer-policy"), f"{where}: no Referrer-Policy")
    if h.get("content-type", "").startswith("text/html"):
        policy = h.get("content-security-policy", "")
        expect("frame-ancestors 'none'" in policy, f"{where}: CSP {policy!r}")
        expect("object-src 'none'" in policy, f"{where}: CSP {policy!r}")
        expect(h.get("x-frame-options") == "DENY", f"{where}: X-Frame-Options")


def _end(process: subprocess.Popen) -> None:
    """A set-up command still running when the smoke stops (it failed): its group ends."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def drop_database() -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


#: run in `manage.py shell` once the demo data is there: Håbo's draft gets a coordinator
#: (Enköping's, as one municipality coordinates for a neighbour), an activity of Uppsala's
#: published pledge is due for follow-up today (so digests are due) and Uppsala's public
#: text is long enough that its PDF renders for seconds.
SCENARIO_DATA = """
from councils import dates
from councils.models import Organisation, Role, User
from councils.services import membership_grant
from pledges.models import Activity, Pledge
membership_grant(
    user=User.objects.get(username="samordnare.enkoping"),
    organisation=Organisation.objects.get(municipality__code="0305"),
    role=Role.COORDINATOR,
)
published = Pledge.objects.get(municipality__code="0380", status="published")
first = Activity.objects.filter(pledge=published, deleted_at__isnull=True).order_by("pk")[0]
Activity.objects.filter(pk=first.pk).update(next_follow_up=dates.today())
text = "\\n\\n".join(
    f"Stycke {i}: " + "Trygghet i centrum och i bostadsområdena. " * 12 for i in range(LONG)
)
Pledge.objects.filter(pk=published.pk).update(public_text=text)
"""

#: the addresses the daily job would e-mail a digest today, as JSON (its dry run)
DUE_DIGESTS = """
import json
from councils.models import User
from followup import reminders
report = reminders.run_daily(dry_run=True)
due = User.objects.filter(pk__in=report.digest_user_ids)
print(json.dumps(sorted(due.values_list("email", flat=True))))
"""

STEPS: list[tuple[str, Callable[[Smoke], None]]] = [
    ("fresh PostgreSQL database and Redis database", Smoke.fresh_stores),
    (
        "operator set-up (migrate, reference data, themes, static, demo, check --deploy)",
        Smoke.operator_setup,
    ),
    ("start 2 gunicorn, 1 worker, beat", Smoke.start_processes),
    ("1 coordinator edits and submits; the police e-mail arrives once", Smoke.step_submit),
    (
        "2 county summary PDF: asked on web 1, rendered, downloaded from web 2",
        Smoke.step_county_pdf,
    ),
    ("3 daily reminders triggered once: each digest once", Smoke.step_reminders),
    ("4 worker killed mid-render: one complete PDF after all", Smoke.step_worker_killed),
    (
        "5 headers on every response; files in the database only; static files; no stray mail",
        Smoke.step_end,
    ),
]


def run() -> int:
    started = time.monotonic()
    step = "start"
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="samverkan-smoke-")))
        smoke = Smoke(stack, work)
        try:
            for step, action in STEPS:
                began = time.monotonic()
                action(smoke)
                print(f"smoke: {time.monotonic() - began:6.1f} s  {step}", flush=True)
        except (SmokeFailure, subprocess.CalledProcessError) as failure:
            print(f"\nsmoke: FAILED in step {step!r}: {failure}", file=sys.stderr)
            for entry in smoke.processes.started:
                print(f"--- {entry.name} (last lines) ---\n{entry.tail(15)}", file=sys.stderr)
            return 1
        print(
            f"smoke: passed in {time.monotonic() - started:.0f} s "
            f"({smoke.counted} responses checked, {len(smoke.mailbox.since())} e-mails)"
        )
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C and a CI timeout's SIGTERM unwind through the finally blocks above
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run()
    except KeyboardInterrupt:
        print("smoke: interrupted; everything it started is stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
