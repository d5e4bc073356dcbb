"""Real sample files, made by the tests: each accepted type, and the hostile corpus."""

from __future__ import annotations

import io
import zipfile
import zlib
from functools import cache

from openpyxl import Workbook
from PIL import Image
from weasyprint import HTML


@cache
def pdf() -> bytes:
    return HTML(string="<h1>Protokoll</h1><p>Brottsförebyggande rådet</p>").write_pdf()


@cache
def pdf_a() -> bytes:
    return HTML(string="<p>Arkiv</p>").write_pdf(pdf_variant="pdf/a-3b")


def _zip(parts: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first, parts.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(extra: dict[str, bytes] | None = None, types: bytes = DOCX_TYPES) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": types,
            "word/document.xml": b"<w:document><w:body>Avtal</w:body></w:document>",
            **(extra or {}),
        }
    )


@cache
def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Indikator", "Värde"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    return _zip(
        {"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"},
        first="mimetype",
    )


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, fmt)
    return buffer.getvalue()


# --- hostile ------------------------------------------------------------------------------


def zip_bomb_docx() -> bytes:
    """A DOCX whose one part declares 300 MB of zeros: its size is written into the
    zip's directory by hand (the declared size is what is checked, before unpacking)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/zeros.bin", b"\0" * (1024 * 1024))
    data = buffer.getvalue()
    # the central directory's "uncompressed size" of the last part: 300 MB
    entry = data.rindex(b"PK\x01\x02")
    return data[: entry + 24] + (300 * 1024 * 1024).to_bytes(4, "little") + data[entry + 28 :]


def pdf_html_polyglot() -> bytes:
    return pdf().replace(b"%PDF-1.7", b"%PDF-1.7\n<html><script>alert(1)</script></html>", 1)


def pdf_with(catalog: bytes, *, packed: bool = False) -> bytes:
    """A small PDF whose catalogue carries ``catalog`` (``/OpenAction << /S /JavaScript
    /JS (…) >>``); ``packed``: the catalogue inside a Flate object stream, as modern
    writers keep it."""
    body = b"<< /Type /Catalog " + catalog + b" >>"
    if packed:
        packed_body = zlib.compress(b"1 0 " + body)
        obj = (
            b"2 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
            + str(len(packed_body)).encode()
            + b" >>\nstream\n"
            + packed_body
            + b"\nendstream\nendobj\n"
        )
    else:
        obj = b"1 0 obj " + body + b" endobj\n"
    return b"%PDF-1.7\n" + obj + b"trailer << /Root 1 0 R >>\n%%EOF\n"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00" + b"\0" * 200
