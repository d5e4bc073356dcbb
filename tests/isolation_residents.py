"""Isolation cases of residents/urls.py (imported by tests/isolation.py).

Every page here is PUBLIC: residents follow a municipality without an account. The
confirmation and unsubscribe pages are reached by a signed link, built here for a
follower of the owner's municipality; what they must never reveal is tested in
tests/residents/.
"""

from __future__ import annotations

from councils import dates
from residents import tokens
from residents.models import Follower
from tests.isolation import Case, Kind, register


def _follower(cast, address: str) -> Follower:
    follower, _new = Follower.objects.get_or_create(
        municipality=cast.home, email=address, defaults={"requested_at": dates.now()}
    )
    return follower


def _code(cast) -> dict[str, str]:
    return {"code": cast.home.code}


register("resident-follow", Case(Kind.PUBLIC, build=_code))
register("resident-follow-sent", Case(Kind.PUBLIC, build=_code))
register("resident-feed", Case(Kind.PUBLIC, build=_code))
register("resident-privacy", Case(Kind.PUBLIC))
register(
    "resident-confirm",
    Case(
        Kind.PUBLIC,
        build=lambda cast: {"token": tokens.confirm_token(_follower(cast, "bekrafta@example.se"))},
    ),
)
register(
    "resident-unsubscribe",
    Case(
        Kind.PUBLIC,
        build=lambda cast: {
            "token": tokens.unsubscribe_token(_follower(cast, "avsluta@example.se"))
        },
    ),
)
