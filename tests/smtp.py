"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 on a free port, that answers
a recipient with a 4xx or 5xx reply on command, and Django's SMTP backend pointed at
it (the ``smtp_server`` fixture; a test module imports it)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Refusal:
    answer: str
    #: how many more times (None: until told otherwise)
    times: int | None = None


@dataclass
class Handler:
    """Accepts every recipient and message, except the recipients told to refuse."""

    refusals: dict[str, Refusal] = field(default_factory=dict)
    #: (recipients, message) of every message accepted
    delivered: list[tuple[list[str], bytes]] = field(default_factory=list)
    #: (recipient, answer) of every recipient refused
    refused: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, address: str, answer: str, times: int | None = None) -> None:
        with self.lock:
            self.refusals[address.lower()] = Refusal(answer, times)

    def accept(self, address: str) -> None:
        with self.lock:
            self.refusals.pop(address.lower(), None)

    def _refusal(self, address: str) -> str | None:
        with self.lock:
            refusal = self.refusals.get(address.lower())
            if refusal is None:
                return None
            if refusal.times is not None:
                refusal.times -= 1
                if refusal.times <= 0:
                    del self.refusals[address.lower()]
            self.refused.append((address, refusal.answer))
            return refusal.answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if answer := self._refusal(address):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.delivered.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def delivered_to(self) -> list[str]:
        with self.lock:
            return [address for recipients, _content in self.delivered for address in recipients]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server (its ``Handler``), and Django's SMTP backend sending to it."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield handler
    finally:
        controller.stop()
