"""Making, finding and revoking API tokens.

A token reads ``sv_<prefix>_<secret>``: the prefix finds the row, the SHA-256 digest of
the secret is compared in constant time. The secret itself is never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404

from api.models import ApiToken
from councils import access, dates
from councils.concurrency import save_tracked
from councils.models import Organisation, User

PREFIX = "sv"
#: how often (seconds) the last use of a token is written, at most
TOUCH_EVERY = 60


@dataclass(frozen=True)
class Made:
    token: ApiToken
    #: the whole token, shown once
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_on: dt.date | None = None,
    organisation: Organisation | None = None,
) -> Made:
    """A new token of ``user`` (of ``organisation`` when given: its admins only)."""
    if organisation is not None and not access.can_manage_members(user, organisation):
        raise PermissionDenied
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        user=user,
        organisation=organisation,
        scope=scope,
        expires_on=expires_on,
        prefix=prefix,
        digest=_digest(secret),
    )
    save_tracked(token, user=user)
    return Made(token, f"{PREFIX}_{prefix}_{secret}")


def find(presented: str) -> ApiToken | None:
    """The usable token ``presented`` names, or None (unknown, wrong, revoked, expired,
    or its owner deactivated)."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "organisation").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])):
        return None
    if not token.usable or not token.user.is_active:
        return None
    return token


def touch(token: ApiToken, address: str | None) -> None:
    """Record the token's last use and address, at most once a minute per token."""
    if not cache.add(f"api-touch:{token.pk}", 1, TOUCH_EVERY):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=dates.now(), last_used_from=address)


def revoke(*, user: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = dates.now()
        save_tracked(token, user=user, update_fields=["revoked_at"])


def get_manageable_or_404(user: User, pk: int) -> ApiToken:
    """A token ``user`` may revoke: their own personal token, or a token of an
    organisation whose members they manage; 404 otherwise."""
    token = ApiToken.objects.select_related("organisation").filter(pk=pk).first()
    if token is None:
        raise Http404
    if token.organisation is None:
        if token.user_id != user.pk:
            raise Http404
    elif not access.can_manage_members(user, token.organisation):
        raise Http404
    return token
