"""Shared builders of the residents' tests."""

from __future__ import annotations

import re

from residents import services
from residents.models import Follower
from tests.pledges.public_helpers import published  # noqa: F401 (re-exported)

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LINK = re.compile(r"https?://\S+/public/follow/(confirm|unsubscribe)/(\S+?)/(?=\s|$)")


def link(message, kind: str) -> str:
    """The path of the ``kind`` link ("confirm" or "unsubscribe") in an e-mail."""
    for found in LINK.finditer(message.body):
        if found.group(1) == kind:
            return f"/public/follow/{kind}/{found.group(2)}/"
    raise AssertionError(f"no {kind} link in {message.body!r}")


def follower(municipality, address="anna@example.se") -> Follower:
    """A confirmed follower of ``municipality``."""
    services.ask_to_follow(municipality, address)
    row = Follower.objects.get(municipality=municipality, email=address)
    return services.confirm(row)
