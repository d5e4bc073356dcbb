"""Writing a PDF makes each object's bytes once (followup.county_pdf, issue 16): pydyf
writes a PDF/A in two passes, the first to hash every object, so without it every
page's content was made and compressed twice. The file must read as before. And a
print runs with Python's cycle collector paused, and frees its cycles after."""

from __future__ import annotations

import gc
import io
import re
import weakref
import zlib

import pydyf
from pypdf import PdfReader
from weasyprint import HTML

from followup import county_pdf, reports
from followup.reports import PDF_VARIANT

PAGES = 3


def _document(word: str):
    pages = "".join(
        f'<section style="break-after: page"><h1>{word} {n}</h1><p>{word} text.</p></section>'
        for n in range(1, PAGES + 1)
    )
    html = f'<html lang="sv"><head><title>{word}</title></head><body>{pages}</body></html>'
    return HTML(string=html).render()


def _compressions(monkeypatch) -> list[int]:
    """The sizes of what is compressed, one per call."""
    calls: list[int] = []
    original = zlib.compress

    def counting(data, *args, **kwargs):
        calls.append(len(data))
        return original(data, *args, **kwargs)

    monkeypatch.setattr(county_pdf.zlib, "compress", counting)
    return calls


def test_a_pdf_a_compresses_each_stream_once(monkeypatch):
    calls = _compressions(monkeypatch)
    pdf = _document("Trygghet").write_pdf(pdf_variant=PDF_VARIANT)
    flate = len(re.findall(rb"/Filter /FlateDecode", pdf))
    # every compressed stream of the file once (its object stream and cross-reference
    # stream included); pydyf's two passes would compress the page contents twice
    assert calls and len(calls) == flate
    assert county_pdf._writing.made is None  # nothing kept after the write


def test_the_written_pdf_reads_and_its_identifier_is_its_objects_hash():
    pdf = _document("Trygghet").write_pdf(pdf_variant=PDF_VARIANT)
    reader = PdfReader(io.BytesIO(pdf))
    assert [page.extract_text().split()[:2] for page in reader.pages] == [
        ["Trygghet", str(n)] for n in range(1, PAGES + 1)
    ]
    assert reader.metadata.title == "Trygghet"
    first, second = (bytes(part.original_bytes) for part in reader.trailer["/ID"])
    # pydyf names the file by the hash of its objects' bytes: both parts are that hash
    assert first == second and re.fullmatch(rb"[0-9a-f]{32}", first)


def test_one_write_never_hands_its_bytes_to_the_next():
    """Two documents one after the other in one thread: each file has its own text."""
    one = _document("Nattvandring").write_pdf(pdf_variant=PDF_VARIANT)
    two = _document("Grannsamverkan").write_pdf(pdf_variant=PDF_VARIANT)
    assert "Grannsamverkan" in PdfReader(io.BytesIO(two)).pages[0].extract_text()
    assert "Nattvandring" not in PdfReader(io.BytesIO(two)).pages[0].extract_text()
    assert "Nattvandring" in PdfReader(io.BytesIO(one)).pages[0].extract_text()


def test_an_object_outside_a_write_is_made_each_time():
    """Outside a write nothing is kept: a dictionary changed shows its change."""
    entry = pydyf.Dictionary({"Type": "/Test"})
    entry.number = 7
    assert entry.data == b"<</Type /Test>>"
    entry["Count"] = 2
    assert entry.data == b"<</Type /Test/Count 2>>"


def test_a_stream_reads_back_as_its_content():
    stream = pydyf.Stream([b"BT", b"ET"], compress=True)
    data = stream.data
    header, body = data.split(b"\nstream\n", 1)
    content = body.removesuffix(b"\nendstream")
    assert b"/Filter /FlateDecode" in header
    assert f"/Length {len(content)}".encode() in header
    assert zlib.decompress(content) == b"BT\nET"
    # an uncompressed stream is written as it is
    assert pydyf.Stream([b"BT", b"ET"]).data == b"<</Length 5>>\nstream\nBT\nET\nendstream"


class _Node:
    """An object in a reference cycle, which only the cycle collector frees."""

    def __init__(self):
        self.itself = self


def test_the_collector_is_paused_during_a_print_and_frees_its_cycles_after():
    assert gc.isenabled()
    with county_pdf.collector_paused():
        assert not gc.isenabled()
        cycle = weakref.ref(_Node())
        assert cycle() is not None  # not collected while the print runs
    assert gc.isenabled()
    assert cycle() is None  # freed by the pass at the end


def test_a_paused_collector_stays_paused():
    gc.disable()
    try:
        with county_pdf.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # as the caller left it
    finally:
        gc.enable()


def test_the_reports_print_with_the_collector_paused(monkeypatch):
    seen = []
    original = HTML.render

    def render(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", render)
    pdf = reports.html_to_pdf('<html lang="sv"><title>T</title><p>Trygghet</p></html>')
    assert seen == [False] and gc.isenabled()
    assert "Trygghet" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
