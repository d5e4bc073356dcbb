"""Pledge views: public. The residents' pages and the open data, for everyone, no login.

They read only through ``pledges.selectors``, which hands out public fields only.
Anonymous answers may be cached for a few minutes (signed-in users get ``no-store``
from ``NoStoreForAuthenticatedMiddleware`` whatever these views say). HTML pages carry
the CSRF cookie of the language switch, so only the browser may keep them; the open
data sets no cookie and may be kept by shared caches too.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from councils import cache as cache_keys
from councils import dates, exports
from councils.cache import NEAR
from pledges import catalogue, extensions, public_cache, selectors
from pledges.selectors import PublicActivity, PublicPledge

PAGE_MAX_AGE = 300
OPEN_DATA_MAX_AGE = 900
OPEN_DATA_FORMATS = ("csv", "json")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
def public_index(request: HttpRequest) -> HttpResponse:
    """Kept whole for anonymous readers while the published pledges are unchanged: the
    fingerprint remembered for the data's generation, and the page, from the cache
    (``pledges.public_cache``)."""
    fingerprint = public_cache.current_pledges_fingerprint()
    asked = request.GET.get("county", "")

    def context() -> dict[str, Any]:
        counties = selectors.public_counties()
        county_code = asked if asked in {county.code for county in counties} else ""
        return {
            "counties": counties,
            "county_code": county_code,
            # the list is rendered from the template cache while this is unchanged;
            # the template calls ``groups`` only when it is not
            "fingerprint": fingerprint,
            "cache_seconds": PAGE_MAX_AGE,
            "groups": functools.partial(selectors.public_index, county_code=county_code or None),
        }

    return public_cache.render_kept(
        request, "pledges/public_index.html", context, version=[fingerprint], params=["county"]
    )


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
def public_municipality(request: HttpRequest, code: str) -> HttpResponse:
    municipality, pledges = selectors.public_municipality(code)
    return render(
        request,
        "pledges/public_municipality.html",
        {
            "municipality": municipality,
            "pledges": pledges,
            "public_panels": extensions.PUBLIC_PAGES.render_context(request, municipality),
        },
    )


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
def public_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Kept whole for anonymous readers while ``pledge_page_version`` (remembered for the
    data's generation) is unchanged (``pledges.public_cache``)."""
    version = public_cache.pledge_page_version(pk)
    if version is None:
        raise Http404

    def context() -> dict[str, Any]:
        pledge = selectors.public_pledge(pk)
        return {
            "pledge": pledge,
            "municipality": pledge.municipality,
            "public_panels": extensions.PUBLIC_PAGES.render_context(request, pledge.municipality),
        }

    return public_cache.render_kept(
        request, "pledges/public_pledge.html", context, version=[pk, *version]
    )


# --- open data ---------------------------------------------------------------------


def _text(value: Any) -> Any:
    """Dates and times as ISO 8601; everything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


#: The columns of the open data, in order. Internal fields (responsible persons,
#: e-mails, comments, links to internal documents) have no column.
PLEDGE_COLUMNS = [
    "municipality_code",
    "municipality",
    "county_code",
    "county",
    "period_start",
    "period_end",
    "pledge_id",
    "pledge_title",
    "pledge_url",
    "area",
    "status",
    "status_label",
    "published_on",
    "public_text",
]
ACTIVITY_COLUMNS = [
    *PLEDGE_COLUMNS[:9],
    "activity_id",
    "activity_title",
    "description",
    "responsible_party",
    "responsible_party_label",
    "partner_name",
    "responsible",
    "type",
    "type_label",
    "status",
    "status_label",
    "start_date",
    "end_date",
    "recurrence",
]


def _pledge_fields(pledge: PublicPledge, url: str) -> dict[str, Any]:
    m = pledge.municipality
    return {
        "municipality_code": m.code,
        "municipality": m.name,
        "county_code": m.county_code,
        "county": m.county_name,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "pledge_id": pledge.pk,
        "pledge_title": pledge.title,
        "pledge_url": url,
    }


def pledge_record(pledge: PublicPledge, url: str) -> dict[str, Any]:
    return {
        **_pledge_fields(pledge, url),
        "area": pledge.area,
        "status": pledge.status,
        "status_label": str(pledge.status_label),
        "published_on": pledge.published_at.date() if pledge.published_at else None,
        "public_text": pledge.public_text,
    }


def activity_record(pledge: PublicPledge, activity: PublicActivity, url: str) -> dict[str, Any]:
    return {
        **_pledge_fields(pledge, url),
        "activity_id": activity.pk,
        "activity_title": activity.title,
        "description": activity.description,
        "responsible_party": activity.party,
        "responsible_party_label": str(activity.party_label),
        "partner_name": activity.partner_name,
        "responsible": activity.responsible,
        "type": activity.type,
        "type_label": str(activity.type_label),
        "status": activity.status,
        "status_label": str(activity.status_label),
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "recurrence": activity.recurrence,
    }


def _open_data(
    name: str,
    columns: list[str],
    build: Callable[[str], Iterable[dict[str, Any]]],
    fingerprint: Callable[[], str],
):
    """The open-data view of the file ``name``: its records are ``build(prefix)`` (the
    address of a pledge's page without its id)."""

    @require_safe
    @cache_control(public=True, max_age=OPEN_DATA_MAX_AGE)
    def view(request: HttpRequest, fmt: str) -> HttpResponse:
        prefix = _pledge_url_prefix(request)
        code = request.GET.get("kommun")
        if code is None:
            return _open_data_file(
                request, fmt, name, columns, lambda: build(prefix), fingerprint, prefix
            )
        # One municipality's rows (the catalogue's municipal datasets): an unknown code
        # is a file that does not exist.
        if not selectors.is_municipality(code):
            raise Http404
        return _open_data_file(
            request,
            fmt,
            f"{name}-{code}",
            columns,
            lambda: (r for r in build(prefix) if r["municipality_code"] == code),
            fingerprint,
            prefix,
        )

    return view


def _open_data_file(
    request: HttpRequest,
    fmt: str,
    name: str,
    columns: list[str],
    build: Callable[[], Iterable[dict[str, Any]]],
    fingerprint: Callable[[], str],
    prefix: str,
) -> HttpResponse:
    """The file, from the cache while ``fingerprint()`` (an aggregate query, remembered for
    the data's generation) is unchanged: making the activities file from 50 000 rows
    takes seconds. The cache keeps it no longer than shared caches may (OPEN_DATA_MAX_AGE).
    Gzip when asked (the activities are some 19 MB as CSV, about a tenth compressed),
    compressed once.

    Its ETag is strong, from the fingerprint, one for the plain file and one for the
    gzipped (two representations, RFC 9110 8.8.3); ``Last-Modified`` is when this version
    of the data was first served. A reader that has either answer gets 304 Not Modified
    for cache reads (the fingerprint's, and the first-served stamp's), and nothing is
    built."""
    if fmt not in OPEN_DATA_FORMATS:
        raise Http404
    key, digest = cache_keys.key("open-data:3", f"{name}.{fmt}", prefix, fingerprint())
    return _kept(
        request,
        key,
        digest,
        lambda: _open_data_body(fmt, columns, build),
        lambda body: exports.file_response(body, fmt=fmt, filename=name, inline=True),
    )


def _kept(
    request: HttpRequest,
    key: str,
    digest: str,
    build: Callable[[], bytes],
    respond: Callable[[bytes], HttpResponse],
) -> HttpResponse:
    """An open-data document (a file, the catalogue) kept in the cache under ``key``, which
    changes with its data, plain and gzipped, with a strong ETag each and a
    ``Last-Modified``; ``build()`` makes it, ``respond(body)`` answers with it."""
    gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    plain_etag = f'"{digest[:32]}"'
    gzip_etag = f'"{digest[:32]}-gz"'
    etag = gzip_etag if gzipped else plain_etag
    since = _first_served(key)
    if _not_modified(request, {plain_etag, gzip_etag}, since):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Last-Modified"] = http_date(since)
        patch_vary_headers(not_modified, ["Accept-Encoding"])
        return not_modified
    body = cache.get(key + (":gz" if gzipped else ""))
    if body is None:
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, OPEN_DATA_MAX_AGE)
        if gzipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
            cache.set(key + ":gz", body, OPEN_DATA_MAX_AGE)
    response = respond(body)
    response["Content-Language"] = "sv"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(since)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _not_modified(request: HttpRequest, etags: set[str], since: int) -> bool:
    """Whether the reader has the file: ``If-None-Match`` names one of ``etags`` (weak
    comparison, either encoding), or else ``If-Modified-Since`` is not before ``since``
    (RFC 9110 13.2.2: the second is ignored when the first is sent)."""
    asked = request.headers.get("If-None-Match")
    if asked is not None:
        given = {tag.removeprefix("W/") for tag in parse_etags(asked)}
        return "*" in given or bool(given & etags)
    modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return modified_since is not None and since <= modified_since


#: how long the moment a version of an open-data file was first served is remembered
FIRST_SERVED_SECONDS = 7 * 24 * 60 * 60


def _first_served(key: str) -> int:
    """When the file of ``key`` (its data's fingerprint) was first served, epoch seconds:
    its ``Last-Modified``. Never before the data changed, as the key changes with it."""
    stamp_key = f"{key}:since"
    stamp = NEAR.get(stamp_key)  # the same while the key stands: a copy serves
    if stamp is None:
        stamp = cache.get(stamp_key)
        if stamp is None:
            stamp = int(dates.now().timestamp())
            if not cache.add(stamp_key, stamp, FIRST_SERVED_SECONDS):  # another was first
                stamp = cache.get(stamp_key, stamp)
        NEAR.set(stamp_key, stamp, size=8)
    return stamp


def _open_data_body(
    fmt: str, columns: list[str], build: Callable[[], Iterable[dict[str, Any]]]
) -> bytes:
    # Labels in Swedish, the language of the documents, whoever asks: one file for all.
    with translation.override("sv"):
        records = list(build())
    if fmt == "csv":
        return exports.csv_bytes(columns, ([r[c] for c in columns] for r in records))
    text = json.dumps(
        [{c: _text(r[c]) for c in columns} for r in records], ensure_ascii=False, indent=1
    )
    return text.encode("utf-8")


@require_safe
@cache_control(public=True, max_age=OPEN_DATA_MAX_AGE)
def open_data_catalogue(request: HttpRequest, fmt: str) -> HttpResponse:
    """The open data's DCAT-AP-SE catalogue (``pledges.catalogue``), from the cache while
    the published pledges are unchanged; gzip, ETag and 304 as the files (``_kept``)."""
    if fmt not in catalogue.SERIALISATIONS:
        raise Http404
    here = request.build_absolute_uri(reverse("open-data-catalogue", args=["rdf"]))
    fingerprint = public_cache.current_pledges_fingerprint()
    key, digest = cache_keys.key(
        "open-data-catalogue:2", fmt, here, settings.OPEN_DATA_LICENCE, fingerprint
    )

    def build() -> bytes:
        files = catalogue.Files(
            catalogue=here.removesuffix(".rdf"),
            home=request.build_absolute_uri(reverse("public-index")),
            url=lambda name, file_fmt, code: request.build_absolute_uri(
                reverse(f"open-data-{name}", args=[file_fmt])
                + (f"?{urlencode({'kommun': code})}" if code else "")
            ),
        )
        return catalogue.serialise(catalogue.catalogue(selectors.open_data_pledges(), files), fmt)

    return _kept(
        request,
        key,
        digest,
        build,
        lambda body: HttpResponse(body, content_type=catalogue.SERIALISATIONS[fmt][1]),
    )


def _pledge_url_prefix(request: HttpRequest) -> str:
    """The address of a pledge's page without its id: no reverse() per row."""
    return request.build_absolute_uri(reverse("public-pledge", args=[0])).removesuffix("0/")


open_data_pledges = _open_data(
    "medborgarloften",
    PLEDGE_COLUMNS,
    lambda prefix: (pledge_record(p, f"{prefix}{p.pk}/") for p in selectors.open_data_pledges()),
    public_cache.current_pledges_fingerprint,
)
open_data_activities = _open_data(
    "medborgarloften-aktiviteter",
    ACTIVITY_COLUMNS,
    lambda prefix: (
        activity_record(p, a, f"{prefix}{p.pk}/") for p, a in selectors.open_data_activities()
    ),
    public_cache.open_data_activities_fingerprint,
)
