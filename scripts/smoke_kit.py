"""What the production smoke (scripts/smoke.py) is made of: an SMTP server that keeps
every message, the processes it starts (each in a process group of its own, all
stopped at the end whatever happens), and a user's browser over plain HTTP (urllib,
a cookie jar, the CSRF token from the form).

Only the standard library and what the project installs (aiosmtpd).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.server import free_port


class SmokeFailure(Exception):
    """A check of the smoke failed: the message says what and where."""


def wait_until(condition: Callable[[], object], seconds: float, what: str, every=0.2):
    """``condition()``'s first true value within ``seconds``; SmokeFailure naming
    ``what`` otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SmokeFailure(f"waited {seconds:.0f} s for {what}")
        time.sleep(every)


# --- e-mail ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    received: float


class _Keep:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        self.mailbox.add(
            Mail(envelope.mail_from, tuple(envelope.rcpt_tos), subject, time.monotonic())
        )
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server on a free loopback port (in a thread of this process) that keeps
    every message it receives: sender, recipients, subject."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[Mail] = []
        self.port = free_port()
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def add(self, mail: Mail) -> None:
        with self._lock:
            self._mails.append(mail)

    def mark(self) -> int:
        """A point in the mailbox: ``since(mark)`` is what arrived after it."""
        with self._lock:
            return len(self._mails)

    def since(self, mark: int = 0) -> list[Mail]:
        with self._lock:
            return list(self._mails[mark:])

    def expect(self, mark: int, recipients: list[str], *, seconds: float, quiet: float, what: str):
        """Exactly one message to each of ``recipients`` (and nothing else) after
        ``mark``: waits up to ``seconds`` for all, then ``quiet`` seconds more for a
        duplicate. Returns the messages."""

        def arrived() -> bool:
            got = [r for m in self.since(mark) for r in m.recipients]
            return all(r in got for r in recipients)

        try:
            wait_until(arrived, seconds, f"{what}: e-mail to {', '.join(recipients)}")
        except SmokeFailure as lost:
            raise SmokeFailure(f"{lost}; received instead: {self.since(mark)}") from None
        time.sleep(quiet)
        mails = self.since(mark)
        got = sorted(r for m in mails for r in m.recipients)
        if got != sorted(recipients):
            raise SmokeFailure(
                f"{what}: expected one e-mail to each of {sorted(recipients)}, got {mails}"
            )
        return mails


# --- processes -----------------------------------------------------------------------


@dataclass
class Started:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Processes:
    """Processes started each in a session (and process group) of its own, with its
    own working directory and log; ``stop_all`` ends every group, also on Ctrl-C."""

    started: list[Started] = field(default_factory=list)

    def start(self, name: str, command: list[str], *, cwd: Path, env: dict) -> Started:
        cwd.mkdir(parents=True, exist_ok=True)
        log = cwd / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - our own commands
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        entry = Started(name, process, log)
        self.started.append(entry)
        return entry

    def kill(self, entry: Started) -> None:
        """SIGKILL to the whole group at once (a machine or container that dies)."""
        _signal_group(entry.process, signal.SIGKILL)
        entry.process.wait(timeout=30)

    def stop_all(self, grace: float = 20) -> None:
        running = [e for e in self.started if e.process.poll() is None]
        for entry in running:
            _signal_group(entry.process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for entry in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                entry.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for entry in self.started:  # the group's other members too (a prefork child)
            _signal_group(entry.process, signal.SIGKILL)
            if entry.process.poll() is None:
                entry.process.wait(timeout=30)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)  # its own session: the group id is its pid


# --- a browser over HTTP ---------------------------------------------------------------


class _Forms(HTMLParser):
    """Every form of a page: its action, method and the values it would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": {}}
            )
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user: a cookie jar, requests to whichever web process is named, every
    response checked (no 5xx; ``check(response)`` for each, e.g. the headers)."""

    def __init__(self, name: str, check: Callable[[Response], None]) -> None:
        self.name = name
        self.jar = CookieJar()
        self.check = check
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf_cookie(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        if body is not None:
            request.add_header("Referer", url)  # Django's CSRF check asks for it on https only
        try:
            with self.opener.open(request, timeout=120) as answer:
                response = Response(url, answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            response = Response(url, error.code, dict(error.headers), error.read())
        if response.status >= 500:
            raise SmokeFailure(f"{self.name}: {response.status} from {url}")
        self.check(response)
        return response

    def get(self, url: str, **headers: str) -> Response:
        return self.request(url, headers=headers)

    def post(self, url: str, data: dict) -> Response:
        """POST with the CSRF token (from the cookie: the same secret as the form's)."""
        return self.request(url, {"csrfmiddlewaretoken": self.csrf_cookie(), **data})

    def submit(self, page: Response, form_action: str, changes: dict) -> Response:
        """Send the form of ``page`` whose action ends with ``form_action`` (its values,
        with ``changes``) to the same origin as the page."""
        for form in forms_of(page.text):
            if form["action"].endswith(form_action) or (not form["action"] and not form_action):
                target = urllib.parse.urljoin(page.url, form["action"] or page.url)
                return self.request(target, {**form["fields"], **changes})
        raise SmokeFailure(f"{self.name}: no form posting to {form_action!r} on {page.url}")
