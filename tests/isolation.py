"""The registry of isolation cases: every URL pattern says who may open it.

tests/test_isolation_gate.py walks the whole URLconf and fails for any named URL
without a case here. A new page cannot ship without saying who may open it.

Kinds of case:

- ``PUBLIC``: anyone, signed in or not (login, password reset, health check).
- ``LOGIN``: any signed-in user; the page shows only what is theirs. Anonymous
  users are sent to the login page. ``hidden`` names text from the owner's
  municipality that an outsider's response must not contain.
- ``OBJECT``: one object that belongs to an organisation. ``build(cast)`` creates
  it for the owner's organisation and returns the URL kwargs. The owner gets 200;
  a user of another organisation gets 404 on GET and POST; anonymous users are
  sent to the login page.
- ``ADMIN``: Django admin; staff only, everyone else is sent to the admin login.
- ``API``: an operation of ``/api/v1/`` (tests/isolation_api.py): no token, a revoked or
  an expired token answer 401; the owner's token gets ``ok_status``; another
  organisation's token 404 (a list: 200 without ``hidden``); a read token writing 403.

Later apps register their URLs here with ``register(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from types import SimpleNamespace
from typing import Any


class Kind(StrEnum):
    PUBLIC = "public"
    LOGIN = "login"
    OBJECT = "object"
    ADMIN = "admin"
    API = "api"


Cast = SimpleNamespace  # owner, colleague, outsider, home, home_org, ... (see tests/conftest.py)


@dataclass(frozen=True)
class Case:
    kind: Kind
    #: URL kwargs for the case; for OBJECT, of an object owned by ``cast.home_org``
    build: Callable[[Cast], dict[str, Any]] = field(default=lambda cast: {})
    #: text an outsider's response must never contain (LOGIN pages that list things)
    hidden: Callable[[Cast], list[str]] = field(default=lambda cast: [])
    #: the user for whom the page must answer 200 (default: the owner)
    viewer: str = "owner"
    #: the status a permitted GET answers (302 for pages that redirect onwards)
    ok_status: int = 200
    #: a query string for the URL (a search's ``q``), as a dict
    query: Callable[[Cast], dict[str, str]] = field(default=lambda cast: {})
    #: API cases: how to call the operation (tests/isolation_api.py)
    api: Any = None


CASES: dict[str, Case] = {}


def register(name: str, case: Case) -> None:
    if name in CASES:
        raise ValueError(f"Isolation case {name!r} registered twice")
    CASES[name] = case


# --- config/urls.py ------------------------------------------------------------
register("login", Case(Kind.PUBLIC))
register("logout", Case(Kind.PUBLIC))
register("password_reset", Case(Kind.PUBLIC))
register("password_reset_done", Case(Kind.PUBLIC))
register(
    "password_reset_confirm",
    Case(Kind.PUBLIC, build=lambda cast: {"uidb64": "MQ", "token": "set-password"}),
)
register("password_reset_complete", Case(Kind.PUBLIC))
register("password_change", Case(Kind.LOGIN))
register("password_change_done", Case(Kind.LOGIN))
register("set_language", Case(Kind.PUBLIC))
register("admin:*", Case(Kind.ADMIN))

# --- councils ------------------------------------------------------------------
register("healthz", Case(Kind.PUBLIC))
register("bench-hello", Case(Kind.PUBLIC))  # 404 unless BENCH_HELLO is on
register("municipality-list", Case(Kind.LOGIN, hidden=lambda cast: [cast.home.name]))
register("my-organisations", Case(Kind.LOGIN, hidden=lambda cast: [cast.home_org.name]))
register("municipality-detail", Case(Kind.OBJECT, build=lambda cast: {"code": cast.home.code}))
register("organisation-detail", Case(Kind.OBJECT, build=lambda cast: {"pk": cast.home_org.pk}))


def _history_of_a_council(cast) -> dict[str, Any]:
    from tests.factories import CouncilFactory

    return {"label": "councils.council", "pk": CouncilFactory(municipality=cast.home).pk}


register("record-history", Case(Kind.OBJECT, build=_history_of_a_council))


# Later apps keep their cases in modules of their own, imported here.
from tests import (  # noqa: E402, F401
    isolation_accessibility,
    isolation_agreements,
    isolation_api,
    isolation_archive,
    isolation_attachments,
    isolation_councils,
    isolation_est,
    isolation_followup_analysis,
    isolation_followup_dashboard,
    isolation_followup_entries,
    isolation_followup_indicators,
    isolation_followup_reminders,
    isolation_followup_reports,
    isolation_partners,
    isolation_pictures,
    isolation_pledges_editor,
    isolation_pledges_public,
    isolation_pledges_review,
    isolation_residents,
    isolation_search,
    isolation_sso,
    isolation_today,
    isolation_two_factor,
)
