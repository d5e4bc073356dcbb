"""Who calls: the bearer token, its rate limit, and what it may see.

A token acts as its owner (``request.user`` is the owner for the rest of the request,
so every service, lookup and history row sees them), with the owner's capabilities from
``councils.access`` and never more. An organisation token is narrower still: it sees
only the municipalities of its organisation (``access.organisation_scope``), whatever
else its creator may see. A read token never writes (403).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from ninja.security import HttpBearer

from api import tokens
from api.models import ApiToken
from councils import access
from councils.access import Capability


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class ReadOnlyToken(Exception):
    """A read token asked to write."""


class Bearer(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        found = tokens.find(token)
        if found is None:
            return None
        limit(found)
        tokens.touch(found, request.META.get("REMOTE_ADDR"))
        request.user = found.user
        request.api_token = found
        return found


def limit(token: ApiToken) -> None:
    """``settings.API_RATE_LIMIT`` requests a minute per token (a fixed window in the
    cache, shared by every process when the cache is Redis); ``Throttled`` past it."""
    per_minute = settings.API_RATE_LIMIT
    if per_minute <= 0:
        return
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, 70)
    try:
        count = cache.incr(key)
    except ValueError:  # the cache lost the key (Redis down): do not count
        return
    if count > per_minute:
        raise Throttled(max(1, 60 - int(now % 60)))


def writing(request) -> ApiToken:
    """The calling token, if it may write."""
    token: ApiToken = request.auth
    if not token.writes:
        raise ReadOnlyToken
    return token


def scoped(request, queryset: QuerySet) -> QuerySet:
    """``queryset`` limited to the organisation of an organisation token."""
    token: ApiToken = request.auth
    if token.organisation_id is None:
        return queryset
    path = access.municipality_path(queryset.model)
    return queryset.filter(**{f"{path}__in": access.organisation_scope(token.organisation)})


def visible(request, queryset: QuerySet, capability: Capability) -> QuerySet:
    """The rows the token sees with ``capability``: ``access.filter_visible``, scoped."""
    return scoped(request, access.filter_visible(queryset, request.user, capability))


def readable(request, queryset: QuerySet, public: Q) -> QuerySet:
    """Documents: all of them where the token holds INTERNAL, the ``public`` ones
    (published, signed) where it holds READ only."""
    internal = visible(request, queryset, Capability.INTERNAL).values("pk")
    read = visible(request, queryset, Capability.READ).filter(public).values("pk")
    return queryset.filter(Q(pk__in=internal) | Q(pk__in=read))


def get_or_404(request, queryset: QuerySet, capability: Capability, **lookup):
    """``access.get_object_or_404`` within the token's scope."""
    return access.get_object_or_404(request.user, scoped(request, queryset), capability, **lookup)


def readable_or_404(request, queryset: QuerySet, public: Q, **lookup):
    """One document the token may read (see ``readable``), or 404."""
    found = readable(request, queryset, public).filter(**lookup)
    return access.get_object_or_404(request.user, found, Capability.READ)
