"""The production smoke's own parts (scripts/smoke_kit.py, scripts/smoke.py), so that a
smoke that passes means what it says: the SMTP server keeps every message and tells a
lost or doubled one; every process group it started is ended, even one that ignores
SIGTERM and has children; forms are read as a browser sends them; the header and
deployment checks refuse what they should.
"""

from __future__ import annotations

import importlib
import os
import smtplib
import sys
import time
from email.message import EmailMessage

import pytest

from tests.test_settings import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
kit = importlib.import_module("smoke_kit")
smoke = importlib.import_module("smoke")


def _send(port: int, to: list[str], subject: str) -> None:
    message = EmailMessage()
    message["From"] = "noreply@samverkan.local"
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content("Hej")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
        server.send_message(message)


def test_the_mailbox_keeps_every_message_and_tells_a_lost_or_doubled_one():
    with kit.Mailbox() as mailbox:
        _send(mailbox.port, ["before@example.se"], "Före")
        mark = mailbox.mark()
        _send(mailbox.port, ["a@example.se", "b@example.se"], "Samverkan: 2 påminnelser")
        mails = mailbox.expect(
            mark, ["a@example.se", "b@example.se"], seconds=10, quiet=0.2, what="both"
        )
        assert [m.subject for m in mails] == ["Samverkan: 2 påminnelser"]
        assert [m.recipients for m in mailbox.since()] == [
            ("before@example.se",),
            ("a@example.se", "b@example.se"),
        ]

        mark = mailbox.mark()
        _send(mailbox.port, ["a@example.se"], "En")
        _send(mailbox.port, ["a@example.se"], "En igen")
        with pytest.raises(kit.SmokeFailure, match="expected one e-mail to each"):
            mailbox.expect(mark, ["a@example.se"], seconds=10, quiet=0.2, what="once")

        mark = mailbox.mark()
        with pytest.raises(kit.SmokeFailure, match=r"lost: e-mail to c@example\.se"):
            mailbox.expect(mark, ["c@example.se"], seconds=0.5, quiet=0, what="lost")


def _members(pgid: int) -> list[int]:
    """The processes of a process group (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    found.append(int(entry))
            except ProcessLookupError:
                continue
    return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_every_process_group_is_ended_even_one_that_ignores_sigterm(tmp_path):
    processes = kit.Processes()
    stubborn = processes.start(
        "stubborn",
        ["sh", "-c", "trap '' TERM; sleep 300 & sleep 300; wait"],
        cwd=tmp_path / "stubborn",
        env=dict(os.environ),
    )
    polite = processes.start(
        "polite", ["sh", "-c", "sleep 300 & wait"], cwd=tmp_path / "polite", env=dict(os.environ)
    )
    kit.wait_until(
        lambda: len(_members(stubborn.process.pid)) >= 2, 10, "the stubborn shell's child"
    )
    began = time.monotonic()
    processes.stop_all(grace=1)
    assert time.monotonic() - began < 15
    for entry in (stubborn, polite):
        assert entry.process.poll() is not None
        kit.wait_until(lambda e=entry: not _group_alive(e.process.pid), 10, f"{entry.name} gone")
    assert stubborn.log.parent == tmp_path / "stubborn" and stubborn.log.exists()


def test_a_killed_process_takes_its_whole_group_with_it(tmp_path):
    processes = kit.Processes()
    worker = processes.start(
        "worker", ["sh", "-c", "sleep 300 & sleep 300 & wait"], cwd=tmp_path, env=dict(os.environ)
    )
    processes.kill(worker)
    assert worker.process.returncode == -9
    kit.wait_until(lambda: not _group_alive(worker.process.pid), 10, "the children gone")
    processes.stop_all(grace=1)  # nothing left to stop: no error


def test_forms_are_read_as_a_browser_sends_them():
    page = """
    <form method="post" action="/i18n/setlang/"><select name="language">
      <option value="sv" selected>Svenska</option><option value="en">English</option></select>
    </form>
    <form method="post" action="/pledges/7/sections/text/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t0k3n">
      <input name="version" value="3"><input type="checkbox" name="off">
      <input type="checkbox" name="on" checked><textarea name="public_text">Vi &amp; ni</textarea>
      <button type="submit" name="save">Spara</button>
    </form>"""
    language, section = kit.forms_of(page)
    assert language["fields"] == {"language": "sv"}
    assert section["action"] == "/pledges/7/sections/text/"
    assert section["fields"] == {
        "csrfmiddlewaretoken": "t0k3n",
        "version": "3",
        "on": "on",
        "public_text": "Vi & ni",
    }


def _response(headers: dict[str, str]) -> object:
    return kit.Response("http://127.0.0.1/x/", 200, headers, b"")


HTML_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; frame-ancestors 'none'",
}


@pytest.mark.parametrize(
    "missing",
    ["X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy"],
)
def test_the_header_check_refuses_a_page_without_a_security_header(missing):
    smoke.check_security_headers(_response(HTML_HEADERS))
    headers = {k: v for k, v in HTML_HEADERS.items() if k != missing}
    with pytest.raises(kit.SmokeFailure):
        smoke.check_security_headers(_response(headers))


def test_the_deployment_check_allows_only_what_plain_http_on_loopback_explains():
    loopback = (
        "System check identified some issues:\n\nWARNINGS:\n"
        "?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to True.\n"
        "?: (security.W012) SESSION_COOKIE_SECURE is not set to True.\n"
        "?: (security.W016) ... CSRF_COOKIE_SECURE ...\n\n"
        "System check identified 3 issues (0 silenced).\n"
    )
    smoke.check_deploy(loopback)
    smoke.check_deploy("System check identified no issues (0 silenced).\n")
    with pytest.raises(kit.SmokeFailure, match=r"security\.W004"):
        smoke.check_deploy(loopback + "?: (security.W004) You have not set SECURE_HSTS_SECONDS.\n")
    with pytest.raises(kit.SmokeFailure, match=r"mail\.E001"):
        smoke.check_deploy("?: (mail.E001) Your MAILERS setting uses a development-only backend\n")


def test_the_smoke_logs_in_with_the_demo_password_of_the_demo_data():
    from councils.demo import DEMO_PASSWORD

    assert smoke.demo_password() == DEMO_PASSWORD
