"""The county summary PDF put together from parts, each laid out once and reused.

WeasyPrint spends most of a county summary's time laying it out. One municipality's
change should not lay out the other 48 again, so the summary is printed in parts:

- the cover with the table of contents, the county board's analysis, the overview,
  one part per municipality with a page of its own, the shared table of the
  municipalities with nothing to report: each an HTML document of its own
  (``followup/pdf/county_summary_part.html``) without margin boxes;
- a "stamp" (``followup/pdf/county_summary_stamp.html``): as many empty pages as the
  whole, each with the running header (the sender, the title, the section that page
  belongs to) and the footer ("Sida 7 av 97"); only its margin boxes are used.

Each part is laid out (``lay_out``) or found laid out in this process's cache under
the SHA-256 of its HTML: the HTML is everything the part shows (the data, the
language, the day it describes, the template and its stylesheet), so a part whose
data did not change has the same key, and any change (a comment, a follow-up, an
indicator value, a day later, a new stylesheet) makes a new key. The key also names
the county, the year and the part. The summary is the same for every reader who may
have it (``access`` decides who may, not what it shows), so no reader's scope enters.

The table of contents takes its page numbers as text (each part's page count is known
before it is printed), so nothing is laid out twice for page-based counters. The
pages are put together as one WeasyPrint document (the stamp's margin boxes on each
part's page), written once: one PDF/A-3a, tagged, with its links and bookmarks.

Laid-out pages hold Pango objects and cannot leave the process: the cache is a
bounded LRU in the worker process (``CACHE_PARTS``) that the report jobs of that
process share.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pydyf
import weasyprint
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.text.fonts import FontConfiguration

#: how many laid-out parts one process keeps (a 49-municipality county has 53)
CACHE_PARTS = 240
PART_TEMPLATE = "followup/pdf/county_summary_part.html"
STAMP_TEMPLATE = "followup/pdf/county_summary_stamp.html"
#: the pages the cover and contents take when nothing better is known
GUESSED_FRONT_PAGES = 2

_cache: OrderedDict[str, Document] = OrderedDict()
_lock = threading.Lock()
#: the pages the cover and contents took, by the number of contents lines
_front_pages: dict[int, int] = {}
#: the parts' stylesheets (one per language and day), parsed, and the fonts they load
_stylesheets: dict[str, CSS] = {}
_font_config: FontConfiguration | None = None


@dataclass
class Part:
    """One part of the summary: its HTML, the section its running header names, the
    anchor the contents link to, and its laid-out document once known."""

    kind: str
    html: str
    section: str
    cacheable: bool = True
    document: Document | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        return len(self.document.pages) if self.document else 0


#: the charts' element ids (``councils.charts``) count up in the process: the same
#: chart has another id each time, and an id is all that differs
_CHART_IDS = re.compile(r"\b(?:bar-(?:title|desc)-\d+|chart-\d+-(?:title|desc))\b")


def cache_key(county_id: int, year: int, part: Part) -> str:
    digest = hashlib.sha256()
    digest.update(weasyprint.__version__.encode())
    digest.update(_CHART_IDS.sub("chart", part.html).encode())
    return f"{county_id}:{year}:{part.kind}:{digest.hexdigest()}"


def _stylesheet(text: str, fetcher) -> CSS:
    """The parts' stylesheet, parsed once per process (its fonts loaded once, into the
    process's one font configuration)."""
    global _font_config
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        found = _stylesheets.get(text)
        if found is None:
            found = _stylesheets[text] = CSS(
                string=text,
                base_url=fetcher.base_url,
                url_fetcher=fetcher,
                font_config=_font_config,
            )
        return found


def lay_out(html: str, fetcher) -> Document:
    """Lay one part out (the slow step the cache saves). Its ``<style>`` is taken out
    and given as a stylesheet parsed once, as every part has the same."""
    start, end = html.find("<style>"), html.find("</style>")
    css = _stylesheet(html[start + len("<style>") : end], fetcher)
    body = html[:start] + html[end + len("</style>") :]
    document = HTML(string=body, base_url=fetcher.base_url, url_fetcher=fetcher)
    return document.render(stylesheets=[css], font_config=_font_config)


def _laid_out(key: str, part: Part, fetcher) -> Document:
    if part.cacheable:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
                return found
    document = lay_out(part.html, fetcher)
    if part.cacheable:
        with _lock:
            _cache[key] = document
            while len(_cache) > CACHE_PARTS:
                _cache.popitem(last=False)
    return document


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _front_pages.clear()
        _stylesheets.clear()


def _stamped(page: Page, stamp: Page) -> Page:
    """The part's page with the stamp's margin boxes (header and footer)."""
    body = [child for child in page._page_box.children if not isinstance(child, MarginBox)]
    margins = [child for child in stamp._page_box.children if isinstance(child, MarginBox)]
    return Page(page._page_box.copy_with_children(body + margins))


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, built once per page count: pydyf builds the
    tuple of every page's reference each time it is read, and WeasyPrint's tagging
    reads it for every structure element (elements × pages: a quarter of writing a
    100-page tagged PDF). Pages are only ever added, so the count tells when to build
    it again."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references_cache")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_page_references_cache"] = cached
    return cached[1]


pydyf.PDF.page_references = property(_page_references)

#: zlib's level for the PDF's streams: pydyf asks for 9, which takes about twice as long
#: as zlib's default (6) for a file some 6 % smaller (a 96-page county summary: 430 kB
#: against 454 kB)
STREAM_LEVEL = 6
#: while a PDF is written: the objects' bytes made so far, by the object's id, each with
#: its object (kept alive, so that no other object takes its id meanwhile)
_writing = threading.local()


def _made_once(make: Callable[[pydyf.Object], bytes]) -> property:
    """An object's ``data`` made once per write. pydyf writes a PDF/A (any PDF with an
    identifier) in two passes, the first to hash every object's bytes: without this,
    every dictionary, array and page content is made twice and compressed twice. The
    objects do not change while they are written."""

    def data(obj: pydyf.Object) -> bytes:
        made = getattr(_writing, "made", None)
        if made is None or obj.number is None:  # not written on its own: made once anyway
            return make(obj)
        found = made.get(id(obj))
        if found is None:
            found = made[id(obj)] = (obj, make(obj))
        return found[1]

    return property(data)


def _stream_data(stream: pydyf.Stream) -> bytes:
    """A stream's bytes as pydyf writes them, compressed at ``STREAM_LEVEL`` when the
    stream is compressed."""
    content = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    extra = pydyf.Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        content = zlib.compress(content, STREAM_LEVEL)
    extra["Length"] = len(content)
    return b"\n".join((extra.data, b"stream", content, b"endstream"))


_write = pydyf.PDF.write


def _write_once(pdf: pydyf.PDF, *args, **kwargs):
    """pydyf's ``PDF.write``, each object's bytes made once (``_made_once``)."""
    _writing.made = {}
    try:
        return _write(pdf, *args, **kwargs)
    finally:
        _writing.made = None


pydyf.Stream.data = _made_once(_stream_data)
pydyf.Dictionary.data = _made_once(pydyf.Dictionary.data.fget)
pydyf.Array.data = _made_once(pydyf.Array.data.fget)
pydyf.PDF.write = _write_once


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a PDF is laid out and written, then one pass
    over what was made meanwhile. A print makes millions of short-lived objects, and the
    collector, run every few thousand of them, walks the laid-out parts this process
    keeps too: the county summary, cold, took 10 % longer with it on, and again 15 %
    (peak memory 50 MB higher without). The pass at the end (a fraction of a second
    after a cold print, 20 ms after a warm one) frees the print's cycles at once."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
            gc.collect(0)


Render = Callable[[str, dict], str]


def print_summary(
    *,
    county_id: int,
    year: int,
    context: dict,
    render: Render,
    fetcher,
    progress: Callable[[int], None],
    variant: str,
) -> bytes:
    """The summary's PDF from its data (``context`` as the whole-document template
    gets it; ``render(template, context)`` renders a template in the report's
    language)."""
    summary = context["summary"]

    def part(kind: str, template: str, heading: str, **extra) -> Part:
        html = render(PART_TEMPLATE, {**context, "part": template, **extra})
        return Part(kind=kind, html=html, section=heading)

    body: list[Part] = []
    if summary.introduction:
        body.append(
            part("analysis", "followup/pdf/_county_analysis.html", _("The county board's analysis"))
        )
    body.append(part("overview", "followup/pdf/_county_overview.html", _("The county at a glance")))
    for section in summary.reported:
        name = section.municipality.name
        body.append(
            part(
                f"m-{section.municipality.code}",
                "followup/pdf/_county_section.html",
                name,
                section=section,
            )
        )
    if summary.nothing_to_report:
        body.append(
            part(
                "nothing",
                "followup/pdf/_county_nothing.html",
                _("Municipalities without an agreement or a citizen pledge"),
            )
        )
    for index, each in enumerate(body):
        each.document = _laid_out(cache_key(county_id, year, each), each, fetcher)
        progress(50 + 25 * (index + 1) // len(body))

    # the cover and the contents: their page numbers as text, from the parts' pages
    lines = len(body)
    front_pages = _front_pages.get(lines, GUESSED_FRONT_PAGES)
    for _attempt in range(3):
        starts, page = {}, front_pages + 1
        for each in body:
            starts[each.kind] = page
            page += each.pages
        for section in summary.reported:
            section.page = starts[f"m-{section.municipality.code}"]
        front = Part(
            kind="front",
            html=render(
                PART_TEMPLATE,
                {**context, "part": "followup/pdf/_county_front.html", "pages": starts},
            ),
            section="",
            cacheable=False,
        )
        front.document = lay_out(front.html, fetcher)
        if front.pages == front_pages:
            break
        front_pages = _front_pages[lines] = front.pages
    _front_pages[lines] = front_pages
    parts = [front, *body]

    # the margins: one stamp page per page, naming its section
    sections = [each.section for each in parts for _page in range(each.pages)][1:]
    stamp = Part(
        kind="stamp",
        html=render(STAMP_TEMPLATE, {**context, "sections": sections}),
        section="",
    )
    stamp.document = _laid_out(cache_key(county_id, year, stamp), stamp, fetcher)
    pages = [page for each in parts for page in each.document.pages]
    whole = front.document.copy(
        [_stamped(page, margin) for page, margin in zip(pages, stamp.document.pages, strict=True)]
    )
    progress(80)
    return whole.write_pdf(pdf_variant=variant)
