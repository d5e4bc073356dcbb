"""PDF reports: HTML from templates, printed by WeasyPrint with a fetcher that
reaches nothing but our own static fonts and stylesheets.

WeasyPrint must never touch the network or the file system outside our static
files, whatever user text contains: every template escapes user text (Django
autoescape), and ``StaticOnlyFetcher`` refuses every URL that is not one of our
static fonts or stylesheets (http, https, file, data, ftp, 127.0.0.1 ...).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import posixpath
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from agreements.models import Agreement
from councils import dates, exports
from councils.models import County, Organisation
from councils.validators import LOGO_MAX_BYTES, SVG_LOCAL_LINK, logo_type
from followup import county_pdf, county_summary
from followup.models import Report
from pledges import selectors
from pledges.models import Activity, Comment, Pledge

#: the lists of files attached to a document, from a higher app (attachments registers
#: one in its AppConfig.ready; followup cannot import it): (model label, pk, internal)
#: -> rows with title, kind, name, size and added (a date)
ATTACHMENT_LISTS: list = []


def register_attachment_list(provider) -> None:
    if provider not in ATTACHMENT_LISTS:
        ATTACHMENT_LISTS.append(provider)


def attachment_rows(label: str, pk: int, *, internal: bool) -> list[dict]:
    return [row for provider in ATTACHMENT_LISTS for row in provider(label, pk, internal)]


#: the base URL of every report: relative URLs ("/static/fonts/...") resolve here
BASE_URL = "https://static.samverkan.invalid/"
#: where the county summary's template finds the county board's logo (``attach``)
LOGO_URL = BASE_URL + "attached/logo.png"
_ORIGIN = urlsplit(BASE_URL).netloc
#: what the fetcher serves: static files under these directories, of these types
ALLOWED_DIRS = ("fonts/", "css/")
CONTENT_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".css": "text/css",
}


def _static_path(url: str) -> str:
    """The static file path ("fonts/DejaVuSans.ttf") a URL names, or ValueError."""
    parts = urlsplit(url)
    if (parts.scheme or parts.netloc) and (parts.scheme != "https" or parts.netloc != _ORIGIN):
        raise ValueError(f"Refused URL: {url!r}")
    if parts.query:
        raise ValueError(f"Refused URL: {url!r}")
    path = unquote(parts.path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix):
        raise ValueError(f"Refused URL (not a static file): {url!r}")
    relative = path.removeprefix(prefix)
    if (
        "\\" in relative
        or "\x00" in relative
        or posixpath.normpath(relative) != relative
        or relative.startswith(("/", "."))
        or ".." in relative.split("/")
        or not relative.startswith(ALLOWED_DIRS)
        or posixpath.splitext(relative)[1].lower() not in CONTENT_TYPES
    ):
        raise ValueError(f"Refused URL (not an allowed static file): {url!r}")
    return relative


def _static_file(relative: str) -> Path:
    found = finders.find(relative)
    if found:
        return Path(found)
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    raise ValueError(f"No such static file: {relative!r}")


def _embedded_image(url: str) -> URLFetcherResponse:
    """A PNG or JPEG embedded in an SVG logo as a base64 data: URI; nothing else."""
    if url.startswith("data:image/") and SVG_LOCAL_LINK.fullmatch(url):
        header, _comma, data = url.partition(",")
        try:
            body = base64.b64decode("".join(data.split()), validate=True)
        except binascii.Error as broken:
            raise ValueError("Broken embedded image") from broken
        content_type = header.removeprefix("data:").partition(";")[0]
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
    raise ValueError("Only embedded PNG and JPEG images are served from data: URIs")


class StaticOnlyFetcher(URLFetcher):
    """Serves our static fonts and stylesheets by their /static/ URL; refuses the rest."""

    #: where the report's relative URLs resolve
    base_url = BASE_URL

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        #: every URL WeasyPrint asked for, in order (tests read it)
        self.requested: list[str] = []
        #: files given by the report itself (the county board's logo): URL -> bytes, type
        self.attached: dict[str, tuple[bytes, str]] = {}

    def attach(self, url: str, body: bytes, content_type: str) -> None:
        self.attached[url] = (body, content_type)

    def fetch(self, url, headers=None):
        self.requested.append(url)
        if url in self.attached:
            body, content_type = self.attached[url]
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        if url.startswith("data:"):
            return _embedded_image(url)
        relative = _static_path(url)
        path = _static_file(relative)
        content_type = CONTENT_TYPES[posixpath.splitext(relative)[1].lower()]
        return URLFetcherResponse(
            BASE_URL + settings.STATIC_URL.strip("/") + "/" + relative,
            body=path.read_bytes(),
            headers={"Content-Type": content_type},
        )

    # urllib's OpenerDirector.open is the other way in; it must not bypass ``fetch``
    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)


#: every PDF is archived as an official record: PDF/A-3, level A (tagged structure, so
#: also readable by screen readers), its title and language (sv) from the HTML
PDF_VARIANT = "pdf/a-3a"

#: called with a percentage as the rendering moves on
Progress = Callable[[int], None]


def _ignore(_percent: int) -> None:
    pass


def html_to_pdf(
    html: str, fetcher: StaticOnlyFetcher | None = None, progress: Progress = _ignore
) -> bytes:
    """Lay the HTML out (most of the time), then write the PDF."""
    fetcher = fetcher or StaticOnlyFetcher()
    with county_pdf.collector_paused():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
        progress(80)
        return document.write_pdf(pdf_variant=PDF_VARIANT)


# --- the reports -------------------------------------------------------------------


def agreement_html(agreement_id: int) -> str:
    """From the signed snapshot only: never from the agreement's live data."""
    agreement = (
        Agreement.objects.filter(
            pk=agreement_id,
            status__in=(Agreement.Status.SIGNED, Agreement.Status.REPLACED),
            signed_snapshot__isnull=False,
        )
        .values("signed_snapshot")
        .first()
    )
    if agreement is None:
        raise LookupError(_("The agreement no longer exists or is not signed."))
    snapshot = agreement["signed_snapshot"]
    return _render(
        "followup/pdf/agreement.html",
        {
            "snapshot": snapshot,
            "title": snapshot.get("title", ""),
            # the signed agreement's PDF is read by READ-only users: public files only
            "attachments": attachment_rows("agreements.agreement", agreement_id, internal=False),
        },
    )


def pledge_html(pledge_id: int, *, internal: bool) -> str:
    try:
        pledge = selectors.public_pledge(pledge_id)
    except Http404 as missing:
        raise LookupError(_("The pledge no longer exists or is not published.")) from missing
    if internal:
        pledge = _with_internal_statuses(pledge)
    context = {
        "pledge": pledge,
        "title": pledge.title,
        "internal": internal,
        "attachments": attachment_rows("pledges.pledge", pledge_id, internal=internal),
    }
    if internal:
        context["comments"] = list(
            Comment.objects.filter(pledge_id=pledge_id)
            .select_related("activity")
            .order_by("created_at", "pk")
        )
        context["history"] = list(
            Pledge.history.filter(id=pledge_id)
            .order_by("-history_date")
            .values("history_date", "history_type", "status")[:15]
        )
    return _render("followup/pdf/pledge.html", context)


def _with_internal_statuses(pledge: selectors.PublicPledge) -> selectors.PublicPledge:
    """The internal version shows each activity's internal status, which may run ahead
    of the public one (an unpublished follow-up moves it)."""
    statuses = dict(
        Activity.objects.filter(pk__in=[a.pk for a in pledge.activities]).values_list(
            "pk", "status"
        )
    )
    activities = [
        dataclasses.replace(a, status=statuses.get(a.pk, a.status)) for a in pledge.activities
    ]
    return dataclasses.replace(pledge, activities=activities)


def county_summary_context(county_id: int, year: int, progress: Progress = _ignore) -> dict:
    """What the county summary's templates show (the whole document's and its parts')."""
    county = County.objects.filter(pk=county_id).first()
    if county is None:
        raise LookupError(_("The county no longer exists."))
    summary = county_summary.county_summary(county, year, dates.today())
    progress(30)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "summary": summary,
            "totals": summary.totals,
            "charts": summary.charts(),
            "logo_url": LOGO_URL if summary.sender.logo else "",
            "title": _("County summary %(year)s: %(county)s")
            % {"year": year, "county": county.name},
        }


def county_summary_html(county_id: int, year: int, progress: Progress = _ignore) -> str:
    """The whole summary as one HTML document (what Chromium prints in the bench)."""
    context = county_summary_context(county_id, year, progress)
    return _render("followup/pdf/county_summary.html", context)


def county_summary_pdf(
    county_id: int,
    year: int,
    fetcher: StaticOnlyFetcher | None = None,
    progress: Progress = _ignore,
) -> bytes:
    """The summary's PDF, put together from parts laid out once each and reused while
    their content is the same (``followup.county_pdf``)."""
    context = county_summary_context(county_id, year, progress)
    fetcher = fetcher or StaticOnlyFetcher()
    if logo := county_logo(county_id):
        fetcher.attach(LOGO_URL, logo, logo_type(logo))
    printed = timezone.localtime()

    def render_part(template: str, part_context: dict) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return render_to_string(template, {**part_context, "printed": printed})

    progress(50)
    with translation.override(settings.LANGUAGE_CODE), county_pdf.collector_paused():
        return county_pdf.print_summary(
            county_id=county_id,
            year=year,
            context=context,
            render=render_part,
            fetcher=fetcher,
            progress=progress,
            variant=PDF_VARIANT,
        )


def county_logo(county_id: int) -> bytes | None:
    """The logo (PNG or SVG) of the county's board, as stored (validated on upload), or None."""
    name = (
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY_BOARD, county_id=county_id)
        .values_list("logo", flat=True)
        .first()
    )
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read(LOGO_MAX_BYTES + 1)[:LOGO_MAX_BYTES]
    except FileNotFoundError:
        return None


def _render(template: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, {**context, "printed": timezone.localtime()})


def report_html(report: Report, progress: Progress = _ignore) -> str:
    """The HTML of one report, escaped and ready for WeasyPrint."""
    if report.kind == Report.Kind.AGREEMENT:
        return agreement_html(report.object_id)
    if report.kind in (Report.Kind.PLEDGE_PUBLIC, Report.Kind.PLEDGE_INTERNAL):
        return pledge_html(report.object_id, internal=report.kind == Report.Kind.PLEDGE_INTERNAL)
    if report.kind == Report.Kind.COUNTY_SUMMARY:
        return county_summary_html(report.object_id, int(report.parameters["year"]), progress)
    raise LookupError(f"Unknown report kind {report.kind!r}")  # pragma: no cover


def render(
    report: Report, fetcher: StaticOnlyFetcher | None = None, progress: Progress = _ignore
) -> bytes:
    """The PDF of one report; ``progress`` hears how far it has come (percent)."""
    if report.kind == Report.Kind.COUNTY_SUMMARY:
        year = int(report.parameters["year"])
        return county_summary_pdf(report.object_id, year, fetcher, progress)
    html = report_html(report, progress)
    progress(50)
    fetcher = fetcher or StaticOnlyFetcher()
    return html_to_pdf(html, fetcher, progress)


#: the first word of each report's file name (Swedish, the language of the documents)
FILE_WORDS = {
    Report.Kind.AGREEMENT: ("overenskommelse",),
    Report.Kind.PLEDGE_PUBLIC: ("medborgarlofte",),
    Report.Kind.PLEDGE_INTERNAL: ("medborgarlofte", "internt"),
    Report.Kind.COUNTY_SUMMARY: ("lanssammanstallning",),
}


def filename(report: Report) -> str:
    """The report's file name without ``.pdf``, in words: ``lanssammanstallning-uppsala-
    lan-2026``, ``medborgarlofte-internt-uppsala-2026``, ``overenskommelse-uppsala-2025-
    2027`` (the object's name and year, or its id when it is gone)."""
    words = FILE_WORDS.get(report.kind, (report.kind,))
    if report.kind == Report.Kind.COUNTY_SUMMARY:
        county = County.objects.filter(pk=report.object_id).values_list("name", flat=True)
        return exports.filename(*words, county.first(), report.parameters.get("year"))
    if report.kind == Report.Kind.AGREEMENT:
        objects, period = Agreement.objects, ("start_date", "end_date")
    else:
        objects, period = Pledge.objects, ("period_start", "period_end")
    found = objects.filter(pk=report.object_id).values_list("municipality__name", *period).first()
    if found is None:
        return exports.filename(*words, report.object_id)
    name, start, end = found
    years = [start.year] if start.year == end.year else [start.year, end.year]
    return exports.filename(*words, name, *years)
