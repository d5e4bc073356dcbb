"""The residents' pages, rendered once for every version of what they show.

An anonymous reader's page is kept in the cache under the fingerprint of the data it
shows (a publication, a new version, a published follow-up change it), the language,
the address and the day, and served from there. What differs from reader to reader is
punched into the kept page as it is served: the CSRF token of the language switch (and
of any form) and the nonce of the Content-Security-Policy.

Only readers with nothing of their own are served a kept page: anonymous, without a
session (no messages waiting) and asking the plain address (or the filters the view
names). Signed-in users always get a page made for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import models
from django.db.models import Expression, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from councils import cache as cache_keys
from councils import dates
from councils.cache import NEAR
from councils.generations import Generation
from councils.prepared import Prepared
from pledges import selectors
from pledges.models import Activity, Pledge

#: stand-ins rendered where the token and the nonce go; a kept page never holds a real one
CSRF_HOLE = "kept-page-csrf-token-0d7e5b"
NONCE_HOLE = "kept-page-csp-nonce-8a21c4"
#: seconds a kept page may be served (the pages' own max-age)
KEEP_SECONDS = 300
#: a query parameter's value a kept page may vary by: a code, a page number, a few words
#: searched for (Swedish letters and spaces allowed); anything else is made for the reader
_PLAIN_VALUE = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü _-]{0,40}")


def _keepable(request: HttpRequest, params: Iterable[str]) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    allowed = set(params)
    return all(
        name in allowed and len(values) == 1 and _PLAIN_VALUE.fullmatch(values[0])
        for name, values in request.GET.lists()
    )


def render_kept(
    request: HttpRequest,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    version: Iterable[object],
    params: Iterable[str] = (),
) -> HttpResponse:
    """``render(request, template, context())``, from the cache for an anonymous reader
    while ``version`` (the data's fingerprint) is unchanged; ``params`` are the query
    parameters that may vary the kept page (each kept apart)."""
    if not _keepable(request, params):
        return HttpResponse(render_to_string(template, context(), request))
    key, _digest = cache_keys.key(
        "public-page:1",
        template,
        request.get_full_path(),
        translation.get_language(),
        dates.today(),
        *version,
    )
    pieces = NEAR.get(key)
    if pieces is None:
        page = cache.get(key)
        if page is None:
            page = render_to_string(
                template, {**context(), "csrf_token": CSRF_HOLE, "csp_nonce": NONCE_HOLE}, request
            )
            cache.set(key, page, KEEP_SECONDS)
        pieces = _pieces(page)
        NEAR.set(key, pieces, size=len(page))
    return HttpResponse(_filled(request, pieces))


_HOLES = re.compile(f"({CSRF_HOLE}|{NONCE_HOLE})")


def _pieces(kept: str) -> tuple[bytes, ...]:
    """``kept`` as UTF-8, cut at its holes: text, hole, text, hole, … text."""
    return tuple(piece.encode() for piece in _HOLES.split(kept))


def _filled(request: HttpRequest, pieces: tuple[bytes, ...]) -> bytes:
    """The kept page of ``pieces`` with this request's token and nonce in its holes."""
    fill = {hole.encode(): value.encode() for hole, value in _fillings(request).items()}
    return b"".join(fill.get(piece, piece) if i % 2 else piece for i, piece in enumerate(pieces))


def fill_holes(request: HttpRequest, kept: str) -> str:
    """``kept`` (a page or a fragment rendered with the stand-ins) with this request's
    CSRF token and Content-Security-Policy nonce where the stand-ins are."""
    for hole, value in _fillings(request).items():
        kept = kept.replace(hole, value)
    return kept


def _fillings(request: HttpRequest) -> dict[str, str]:
    """What goes in each hole for this request: its CSRF token and its CSP nonce."""
    nonce = get_nonce(request)
    return {CSRF_HOLE: get_token(request), NONCE_HOLE: str(nonce) if nonce is not None else ""}


# --- the data's generation: versions remembered until a save ---------------------------

#: the published data's generation (``councils.generations``): pledges, activities and
#: what the higher apps register (``register_pledge_page_part``)
PUBLIC = Generation("public-data", seconds=KEEP_SECONDS)
watch = PUBLIC.watch
generation = PUBLIC.current
remembered = PUBLIC.remembered


def current_pledges_fingerprint() -> str:
    """``selectors.current_pledges_fingerprint()``, remembered for the generation."""
    return remembered("current-pledges", selectors.current_pledges_fingerprint)


def open_data_activities_fingerprint() -> str:
    """``selectors.open_data_activities_fingerprint()``, remembered for the generation."""
    return remembered("open-data-activities", selectors.open_data_activities_fingerprint)


# --- the version of a pledge's public page ---------------------------------------------

#: name → a function giving an expression over a published pledge (``OuterRef("pk")``)
#: whose value changes whenever a higher app's part of its public page does (a published
#: follow-up, a public attachment); registered in the higher app's AppConfig.ready()
_PLEDGE_PAGE_PARTS: dict[str, Callable[[], Expression]] = {}


def register_pledge_page_part(
    name: str, part: Callable[[], Expression], *, models: Iterable[type[models.Model]]
) -> None:
    """``part`` reads ``models``: their saves begin a new generation (``watch``)."""
    _PLEDGE_PAGE_PARTS[name] = part
    watch(*models)


def _version_query(pk: int) -> QuerySet:
    activities = Activity.objects.filter(pledge=OuterRef("pk"), deleted_at__isnull=True)
    newer = Pledge.objects.public().filter(replaces=OuterRef("pk")).values("pk")[:1]
    parts = {name: part() for name, part in _PLEDGE_PAGE_PARTS.items()}
    return (
        Pledge.objects.public()
        .filter(pk=pk)
        .annotate(
            newer=Subquery(newer),
            activity_versions=aggregate(activities, "SUM", "version"),
            activity_count=aggregate(activities, "COUNT"),
            **parts,
        )
        .values_list("version", "status", "newer", "activity_versions", "activity_count", *parts)
    )


#: made once per process, after every app has registered its parts
_VERSION = Prepared(lambda pk: _version_query(pk))


def pledge_page_version(pk: int) -> tuple | None:
    """What the public page of pledge ``pk`` shows changes only when this does: the
    pledge's version and status, a newer published version, its activities' versions
    (a follow-up recorded or published bumps them) and the registered parts. One query,
    remembered for the generation; None when the pledge is not public (the page answers
    404)."""
    return remembered(f"pledge-page:{pk}", lambda: _VERSION.one(pk=pk))


def aggregate(rows: QuerySet, function: str, field: str = "pk", output=None) -> Subquery:
    """``function`` (SQL: SUM, COUNT, MAX) of ``field`` over ``rows``, which are filtered
    by an ``OuterRef``, as one value of the outer row (no GROUP BY: one row)."""
    figure = Func(F(field), function=function, output_field=output or IntegerField())
    return Subquery(rows.order_by().annotate(_figure=figure).values("_figure")[:1])
