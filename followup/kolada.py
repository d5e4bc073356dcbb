"""Kolada, the open database of municipal key figures: its HTTP client and the reading
of its JSON answers (``/v2/data/kpi/…``). ``followup.indicators.import_kolada`` saves
what is read here."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from councils.imports import MAX_BYTES, ImportRefused, parse_json

#: Kolada's open API (v2). Override with the setting KOLADA_BASE_URL or the command's --base-url.
KOLADA_BASE_URL = "https://api.kolada.se/v2"
#: Seconds to wait for Kolada before giving up.
KOLADA_TIMEOUT = 20
#: Pages of a Kolada answer followed at most (``next_page``).
KOLADA_MAX_PAGES = 50


class KoladaUnavailable(Exception):
    """Kolada could not be reached or answered something unreadable."""


def document(content: bytes | dict) -> dict:
    """An uploaded Kolada v2 answer (or one already parsed), checked to hold a list of values."""
    if isinstance(content, dict):
        return content
    document = parse_json(content, refusal=_("The file is not Kolada JSON."))
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        raise ImportRefused(_("The file is not Kolada JSON: it has no list of “values”."))
    return document


def kolada_url(*, kpi: str, municipality: str, years: Iterable[int], base_url: str = "") -> str:
    base = (base_url or getattr(settings, "KOLADA_BASE_URL", "") or KOLADA_BASE_URL).rstrip("/")
    parts = [
        "data",
        "kpi",
        urllib.parse.quote(kpi, safe=","),
        "municipality",
        urllib.parse.quote(municipality, safe=","),
        "year",
        ",".join(str(int(y)) for y in years),
    ]
    return f"{base}/{'/'.join(parts)}"


def _get_json(url: str, timeout: float) -> dict:
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise KoladaUnavailable(
            _("Only http and https addresses can be fetched: %(url)s") % {"url": url}
        )
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, headers={"Accept": "application/json", "User-Agent": "Samverkan"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise KoladaUnavailable(
            _("Kolada answered %(status)s for %(url)s.") % {"status": error.code, "url": url}
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise KoladaUnavailable(
            _("Kolada could not be reached (%(reason)s). Is the network available? %(url)s")
            % {"reason": reason, "url": url}
        ) from error
    if len(body) > MAX_BYTES:
        raise KoladaUnavailable(_("Kolada's answer is larger than 2 MB: ask for fewer years."))
    try:
        document = parse_json(
            body, refusal=_("Kolada's answer is not JSON: %(url)s") % {"url": url}
        )
    except ImportRefused as refused:
        raise KoladaUnavailable(str(refused)) from refused
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        raise KoladaUnavailable(_("Kolada's answer has no list of values: %(url)s") % {"url": url})
    return document


def kolada_fetch(
    *,
    kpi: str,
    municipality: str,
    years: Iterable[int],
    base_url: str = "",
    timeout: float = KOLADA_TIMEOUT,
) -> dict:
    """Kolada's answer for one KPI, municipality (SCB code) and years, all pages merged."""
    url = kolada_url(kpi=kpi, municipality=municipality, years=years, base_url=base_url)
    merged: list = []
    for _page in range(KOLADA_MAX_PAGES):
        document = _get_json(url, timeout)
        merged.extend(document["values"])
        url = document.get("next_page") or ""
        if not url:
            break
    return {"count": len(merged), "values": merged}
