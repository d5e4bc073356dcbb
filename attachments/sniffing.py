"""What an uploaded file is, by its content, never by its name.

Accepted: PDF (PDF/A too), DOCX, XLSX, ODT, ODS, PNG, JPEG, CSV and plain text.
Everything else is refused with the reason in Swedish: web pages and SVG (they can
carry script), programs, archives, macro-enabled Office files, PDFs with JavaScript,
automatic actions or embedded files, files that are a PDF and a web page at once,
and zip bombs (refused from the sizes the archive declares, before anything is
unpacked). ``sniff(upload, name)`` returns a ``Sniffed`` or raises ``Refused``.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from councils import exports, imports

#: what a user is told is accepted (shown on the form and in every refusal)
ACCEPTED = gettext_lazy(
    "PDF (also PDF/A), Word (DOCX), Excel (XLSX), ODT, ODS, PNG, JPEG, CSV, text"
)

#: the formats, by the ending a download gets (``councils.exports.ATTACHED_TYPES``)
PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, CSV, TEXT = (
    "pdf", "docx", "xlsx", "odt", "ods", "png", "jpg", "csv", "txt"
)  # fmt: skip
ODF_TYPES = {
    exports.ATTACHED_TYPES[ODT].encode(): (ODT, "ODT"),
    exports.ATTACHED_TYPES[ODS].encode(): (ODS, "ODS"),
}


def format_of(content_type: str) -> str:
    """The format of a stored ``content_type``; a type the code never stores (changed in
    the database by hand) is served as plain text: still an attachment, in a sandbox."""
    known = (fmt for fmt, stored in exports.ATTACHED_TYPES.items() if stored == content_type)
    return next(known, "txt")


#: a zip whose entries declare more than this in all is refused unopened
MAX_UNPACKED = 200 * 1024 * 1024
#: ... or one entry that declares it unpacks to more than this many times its size
MAX_RATIO = 100
MAX_ENTRIES = 5000
#: the small XML parts read to tell one Office format from another
MAX_PART = 2 * 1024 * 1024
#: how much a PDF's compressed streams may unpack to while they are searched
MAX_PDF_UNPACKED = 64 * 1024 * 1024

#: what makes a text file a web page, SVG or XML
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|script|svg|body|iframe|\?xml|head|meta)\b", re.I)
#: what makes a PDF a web page too (PDF/A's XMP metadata is XML, so not ``<?xml``)
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|script|svg|body|iframe)\b", re.I)
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#_.\-]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_FORBIDDEN_PDF = {
    b"JS": gettext_lazy("PDFs with JavaScript are not accepted."),
    b"JavaScript": gettext_lazy("PDFs with JavaScript are not accepted."),
    b"EmbeddedFiles": gettext_lazy("PDFs with embedded files are not accepted."),
    b"EmbeddedFile": gettext_lazy("PDFs with embedded files are not accepted."),
    b"Launch": gettext_lazy("PDFs that start programs are not accepted."),
    b"RichMedia": gettext_lazy("PDFs with embedded media are not accepted."),
    b"XFA": gettext_lazy("PDFs with XFA forms are not accepted."),
}


class Refused(Exception):
    """The file is not accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Sniffed:
    #: the ending a download gets ("pdf"), a key of ``councils.exports.ATTACHED_TYPES``
    fmt: str
    #: "PDF/A" for an archival PDF, else the format's short name
    label: str

    @property
    def content_type(self) -> str:
        return exports.ATTACHED_TYPES[self.fmt]


@contextmanager
def _reading(reason: str, errors=imports.PARSER_ERRORS):
    """A parser's errors become ``Refused`` with ``reason`` (``councils.imports.parsing``)."""
    try:
        with imports.parsing(reason, errors=errors):
            yield
    except imports.ImportRefused as refused:
        raise Refused(str(refused)) from refused


def refusal(reason: str) -> Refused:
    return Refused(
        _("%(reason)s Accepted file types: %(accepted)s.")
        % {"reason": reason, "accepted": ACCEPTED}
    )


def sniff(upload, name: str = "") -> Sniffed:
    """The type of ``upload`` (a file object, read from its start) by its content."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        raise refusal(_("The file is empty."))
    if head.startswith(b"%PDF-"):
        return _pdf(upload)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(upload, PNG, "PNG")
    if head.startswith(b"\xff\xd8\xff"):
        return _image(upload, JPEG, "JPEG")
    if head.startswith(b"PK\x03\x04"):
        return _zip(upload)
    _refuse_known(head)
    return _text(upload, name)


def _refuse_known(head: bytes) -> None:
    """Refuse, naming it, a type that is never accepted."""
    if head.startswith((b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")):
        raise refusal(_("Programs are not accepted."))
    if head.startswith(b"\xca\xfe\xba\xbe"):
        raise refusal(_("Programs are not accepted."))
    archives = (b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"BZh", b"\xfd7zXZ", b"PK\x05\x06")
    if head.startswith(archives) or head[257:262] == b"ustar":
        raise refusal(_("Archives (zip, rar, 7z, tar …) are not accepted."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise refusal(_("Old Office files (doc, xls) are not accepted: they can hold macros."))
    if b"%PDF-" in head:
        raise refusal(_("The file is a PDF with something else before it."))
    if _MARKUP.search(head):
        raise refusal(_("Web pages, SVG and XML files are not accepted: they can hold scripts."))


# --- PDF ------------------------------------------------------------------------------


def _pdf_names(data: bytes) -> set[bytes]:
    """The PDF names in ``data``, with #xx escapes decoded (/J#61vaScript)."""
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        names.add(raw)
    return names


def _streams(data: bytes):
    """The unpacked content of every Flate stream (object streams hide names), within
    ``MAX_PDF_UNPACKED`` in all."""
    budget = MAX_PDF_UNPACKED
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            break
        inflater = zlib.decompressobj()
        try:
            unpacked = inflater.decompress(data[match.end() : end], budget + 1)
        except zlib.error:
            continue  # not Flate, or broken: its names are not PDF structure
        budget -= len(unpacked)
        if budget < 0:
            raise refusal(_("The PDF unpacks to far more than its size."))
        yield unpacked


def _pdf(upload) -> Sniffed:
    data = upload.read()
    upload.seek(0)
    if _HTML.search(data):
        raise refusal(_("The file is a PDF and a web page at once."))
    names = _pdf_names(data)
    archival = b"pdfaid:part" in data
    for unpacked in _streams(data):
        if _HTML.search(unpacked):
            raise refusal(_("The file is a PDF and a web page at once."))
        names |= _pdf_names(unpacked)
        archival = archival or b"pdfaid:part" in unpacked
    for name, reason in _FORBIDDEN_PDF.items():
        if name in names:
            raise refusal(str(reason))
    if b"%%EOF" not in data[-2048:]:
        raise refusal(_("The PDF is not complete."))
    label = "PDF/A" if archival else "PDF"
    return Sniffed(PDF, label)


# --- images ---------------------------------------------------------------------------


def _image(upload, content_type: str, label: str) -> Sniffed:
    # Pillow reads the header and checks the structure; a decompression bomb (more
    # pixels than Pillow's limit) is refused, not warned about
    errors = (*imports.PARSER_ERRORS, Image.DecompressionBombError)
    reason = str(refusal(_("The image cannot be read.")))
    with _reading(reason, errors), Image.open(upload) as image:
        if image.width * image.height > Image.MAX_IMAGE_PIXELS:
            raise ValueError("too many pixels")
        image.verify()
    upload.seek(0)
    return Sniffed(content_type, label)


# --- zip: Office and OpenDocument -----------------------------------------------------


def _zip(upload) -> Sniffed:
    reason = str(refusal(_("The file looks like an Office file but cannot be read.")))
    try:
        with _reading(reason):
            archive = imports.open_zip(upload)
            return _office(archive)
    finally:
        upload.seek(0)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_PART:
        raise refusal(_("A part of the file is too large."))
    return archive.read(name)


def _office(archive: zipfile.ZipFile) -> Sniffed:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise refusal(_("The file holds too many parts."))
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > MAX_UNPACKED or (entry.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise refusal(_("The file unpacks to far more than its size (a zip bomb)."))
    names = {entry.filename for entry in entries}
    lowered = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") or "vbadata" in name for name in lowered) or any(
        name.startswith(("basic/", "scripts/")) for name in lowered
    ):
        raise refusal(_("Files with macros are not accepted."))
    if "mimetype" in names:
        mimetype = _read_part(archive, "mimetype").strip()
        if mimetype in ODF_TYPES and "content.xml" in names:
            return Sniffed(*ODF_TYPES[mimetype])
        raise refusal(_("This OpenDocument type is not accepted."))
    if "[Content_Types].xml" in names:
        types = _read_part(archive, "[Content_Types].xml").lower()
        if b"macroenabled" in types or b"vbaproject" in types:
            raise refusal(_("Files with macros are not accepted."))
        if "word/document.xml" in names and b"wordprocessingml.document.main" in types:
            return Sniffed(DOCX, "DOCX")
        if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main" in types:
            return Sniffed(XLSX, "XLSX")
        raise refusal(_("This Office file type is not accepted."))
    raise refusal(_("Archives (zip, rar, 7z, tar …) are not accepted."))


# --- text -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _text(upload, name: str) -> Sniffed:
    data = upload.read()
    upload.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise refusal(_("The file type could not be recognised.")) from None
    if _CONTROL.search(text):
        raise refusal(_("The file type could not be recognised."))
    if _MARKUP.search(data):
        raise refusal(_("Web pages, SVG and XML files are not accepted: they can hold scripts."))
    if name.lower().endswith(".csv"):
        return Sniffed(CSV, "CSV")
    return Sniffed(TEXT, "TXT")
