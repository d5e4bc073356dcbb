"""The one writer of every CSV/XLSX export of the project.

- CSV: UTF-8 with a byte order mark (so Excel reads å, ä and ö), semicolons between
  cells (what Excel expects where the decimal mark is a comma, as in Sweden), CRLF line
  ends; dates as ISO 8601; decimals with a decimal comma and no thousands separator,
  as many decimals as the value has ("1,8", not "1.8000"; integers as they are).
- XLSX: typed cells (numbers as numbers, dates as dates shown yyyy-mm-dd), a bold
  header row that stays in view, text cells that are never formulas.
- Either way a text cell that a spreadsheet would run as a formula gets a leading
  apostrophe (``neutralise``); ``councils.imports`` takes it off again.

``response(fmt, headers, rows, filename=…)`` is what a view returns (a workbook of
several worksheets: ``workbook_response([Sheet(…), …], filename=…)``); ``render`` gives
the bytes (for a cache), ``file_response`` wraps bytes already made and
``file_download`` a stored file (a PDF). Every download is named by ``filename(*parts)``:
Swedish words made plain ASCII ("Uppsala län", 2026 → ``uppsala-lan-2026``), and the
``Content-Disposition`` header (``disposition``) carries the name both as ``filename``
and as RFC 6266's ``filename*``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

#: A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: The content type of each file kind an export or open-data file is served as.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
    "ics": "text/calendar; charset=utf-8",
    "zip": "application/zip",
}
#: The files people attach (the attachments app), by the ending a download gets: the
#: types ``attachments.sniffing`` recognises by content.
ATTACHED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}
#: The kinds ``render`` writes.
SPREADSHEETS = ("csv", "xlsx")
CSV_DELIMITER = ";"
#: characters Excel refuses in a worksheet's name
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """A text cell that no spreadsheet runs as a formula: a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_number(value: Decimal | float) -> str:
    """A decimal for a Swedish spreadsheet: "1,8" for 1.8000, "-0,25", "1200" (no
    thousands separator, no trailing zeros, never an exponent, no rounding)."""
    amount = Decimal(str(value)) if isinstance(value, float) else value
    if not amount.is_finite():
        return str(amount)
    amount = amount.normalize()
    if amount == 0:
        amount = abs(amount)
    return format(amount, "f").replace(".", ",")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return csv_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows under ``headers`` as a CSV file (``;``, UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: its name (cut to Excel's 31 characters), the header
    row, the rows and column widths by letter (``{"A": 40}``)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Mapping[str, int] | None = None


def _xlsx_cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # control characters (other than tab and newlines) are not allowed in XLSX
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)  # Excel has no time zones
    return value


def _write_sheet(worksheet, sheet: Sheet) -> None:
    from openpyxl.styles import Font

    if sheet.title:
        worksheet.title = SHEET_TITLE_FORBIDDEN.sub("-", _xlsx_cell(str(sheet.title)))[:31]
    worksheet.append([_xlsx_cell(str(h)) for h in sheet.headers])
    for header in worksheet[1]:
        header.font = Font(bold=True)
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(v) for v in row])
        for written in worksheet[worksheet.max_row]:
            if isinstance(written.value, dt.datetime):
                written.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(written.value, dt.date):
                written.number_format = "yyyy-mm-dd"
            elif isinstance(written.value, str):
                written.data_type = "s"  # never a formula, whatever the text
    worksheet.freeze_panes = "A2"
    for letter, width in (sheet.widths or {}).items():
        worksheet.column_dimensions[letter].width = width


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An Excel workbook of one worksheet per ``Sheet``, in their order, each written as
    ``xlsx_bytes`` writes its one (typed cells, bold header row, no formulas)."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    for index, sheet in enumerate(sheets):
        _write_sheet(first if index == 0 else workbook.create_sheet(), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "",
    widths: Mapping[str, int] | None = None,
) -> bytes:
    """The rows under ``headers`` as an Excel workbook with typed cells.

    ``sheet`` names the worksheet (cut to Excel's 31 characters); ``widths`` sets
    column widths by letter (``{"A": 40}``)."""
    return workbook_bytes([Sheet(sheet, headers, rows, widths)])


def render(
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "",
    widths: Mapping[str, int] | None = None,
) -> bytes:
    """The file of kind ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        return csv_bytes(headers, rows)
    if fmt == "xlsx":
        return xlsx_bytes(headers, rows, sheet=sheet, widths=widths)
    raise ValueError(f"not a spreadsheet format: {fmt}")


def filename(*parts: object) -> str:
    """A download's name (without its extension) from words and numbers: lower case,
    å, ä and ö as a, a and o, words joined by hyphens
    (``filename("Länssammanställning", "Uppsala län", 2026)`` →
    ``lanssammanstallning-uppsala-lan-2026``)."""
    words = [slugify(str(part)) for part in parts if part is not None and str(part) != ""]
    return "-".join(word for word in words if word) or "fil"


def disposition(name: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` value naming the file ``name`` (RFC 6266: a plain
    ``filename`` for old clients, ``filename*`` in UTF-8 for the rest)."""
    kind = "inline" if inline else "attachment"
    plain = name.encode("ascii", "ignore").decode().replace("\\", "").replace('"', "")
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(body: bytes, *, fmt: str, filename: str, inline: bool = False) -> HttpResponse:
    """``body`` served as ``filename.fmt`` (an attachment unless ``inline``)."""
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = disposition(f"{filename}.{fmt}", inline=inline)
    return response


def file_download(handle: Any, *, fmt: str, filename: str) -> FileResponse:
    """A stored file (an open binary ``handle``) served as the attachment ``filename.fmt``,
    never sniffed and never kept by a shared cache."""
    response = FileResponse(handle, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = disposition(f"{filename}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attached_download(handle: Any, *, fmt: str, name: str) -> FileResponse:
    """A file a user attached (an open binary ``handle``) served as the attachment
    ``name`` with the type of ``fmt`` (``ATTACHED_TYPES``): never sniffed, never shown
    inline, and in a sandbox (no script, no requests) should a browser show it anyway."""
    content_type = ATTACHED_TYPES[fmt]
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def workbook_response(sheets: Sequence[Sheet], *, filename: str) -> HttpResponse:
    """A workbook of several worksheets as the download ``filename.xlsx``."""
    return file_response(workbook_bytes(sheets), fmt="xlsx", filename=filename)


def response(
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    filename: str,
    sheet: str = "",
    widths: Mapping[str, int] | None = None,
) -> HttpResponse:
    """The export as a download named ``filename.fmt``."""
    body = render(fmt, headers, rows, sheet=sheet, widths=widths)
    return file_response(body, fmt=fmt, filename=filename)
