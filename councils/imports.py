"""The one import pipeline: read an upload, map its headers, check every row, save all
rows or none, and report row by row what is wrong.

An import (``pledges.importexport``, ``followup.indicators``) is built from these steps:

1. ``check_size(content)`` before anything is read (``MAX_BYTES``);
2. ``read_rows(name, content, kinds=…)``: CSV (UTF-8, UTF-8 with BOM or Windows-1252;
   ``;``, ``,`` or tab, whichever the first line has most of) or XLSX (first sheet,
   zip-bomb checked), every cell as text through ``clean_cell`` (which takes off the
   apostrophe ``councils.exports.neutralise`` put before a formula);
3. ``map_columns(header, aliases, …)``: the header row to field names, the aliases in
   every language of the interface (``in_every_language``) and as the field names;
4. ``numbered(rows, …)``: the non-empty rows with their row numbers in the file, within
   the most an import takes;
5. ``all_or_none(rows, check_row, finish=…)``: each row through a callable (a form, a
   service) in one transaction; any error and nothing is saved. The errors are lines
   built by ``row_error(number, message, column=…)``.

A file that cannot be read at all raises ``ImportRefused`` with a message for the page.
Every parser runs inside ``parsing(refusal)``, which turns what a parser raises on a
hostile file (too deep, truncated, broken, numbers out of range) into that refusal;
JSON is read by ``parse_json`` (its nesting bounded before it is parsed).

The page that takes the upload is ``upload_page(request, form, …)``: one way for every
import to answer (the form, the refusal on the file field, the report with status 400).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from councils.exports import FORMULA_START

#: The largest file an import accepts (checked before the file is read).
MAX_BYTES = 2 * 1024 * 1024
#: What an XLSX file (a zip archive) may unpack to.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: The delimiters a CSV file may use.
DELIMITERS = (";", ",", "\t")
#: How deep JSON may nest (a Kolada answer is four levels deep).
MAX_JSON_DEPTH = 32

#: What a parser raises on a hostile file: too deep (RecursionError), too large
#: (MemoryError, OverflowError), not text or not the format (ValueError, with its
#: JSONDecodeError and UnicodeDecodeError), a broken CSV, zip or workbook.
PARSER_ERRORS: tuple[type[BaseException], ...] = (
    RecursionError,
    MemoryError,
    OverflowError,
    ValueError,
    csv.Error,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    TypeError,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree's ParseError
)


def open_zip(content) -> zipfile.ZipFile:
    """An uploaded zip (an Office or OpenDocument file) opened for its directory and
    parts; call it inside ``parsing(refusal)``, where a broken zip is refused."""
    return zipfile.ZipFile(content)


class ImportRefused(Exception):
    """The file as a whole cannot be read (type, size, encoding, headers, shape)."""


@contextmanager
def parsing(refusal: str, *, errors: tuple[type[BaseException], ...] = PARSER_ERRORS):
    """Run a parser: what it raises on a file it cannot read (``errors``) becomes
    ``ImportRefused(refusal)``; a refusal raised inside passes unchanged."""
    try:
        yield
    except ImportRefused:
        raise
    except errors as error:
        raise ImportRefused(refusal) from error


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str, *, stop_over: int | None = None) -> int:
    """How deep the lists and objects of a JSON text nest (brackets in strings not
    counted): cheap, and without recursion, so it can be asked before parsing. With
    ``stop_over`` it stops as soon as the depth passes it."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if stop_over is not None and deepest > stop_over:
                break
    return deepest


def parse_json(
    content: bytes, *, refusal: str | None = None, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """The JSON document of a file (UTF-8, with or without BOM), its nesting bounded by
    ``max_depth``; ``ImportRefused(refusal)`` for a file that is not JSON."""
    check_size(content)
    refusal = refusal or _("The file is not JSON.")
    with parsing(refusal):
        text = content.decode("utf-8-sig")
        if json_depth(text, stop_over=max_depth) > max_depth:
            raise ImportRefused(
                _("The file nests deeper than %(depth)d levels.") % {"depth": max_depth}
            )
        return json.loads(text)


#: declarations that could define entities (expansion bombs, external files)
XML_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_xml(text: str, *, refusal: str, declared: str) -> ElementTree.Element:
    """The root element of an XML text, parsed by the standard library only after any
    DOCTYPE or ENTITY declaration is refused (``ImportRefused(declared)``), so no entity
    is expanded and no outside file read; ``ImportRefused(refusal)`` for text that is
    not well-formed XML."""
    if XML_DECLARATION.search(text):
        raise ImportRefused(declared)
    with parsing(refusal):
        return ElementTree.fromstring(text)  # noqa: S314 (declarations refused above)


def check_size(content: bytes, max_bytes: int = MAX_BYTES) -> None:
    if len(content) > max_bytes:
        raise ImportRefused(_("The file is larger than 2 MB."))


def clean_cell(value: Any) -> str:
    """A cell as text: dates as ISO 8601, whole floats without ``.0``, no NUL, trimmed,
    and without the apostrophe the export put before a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # NUL means nothing in text and PostgreSQL cannot store it (an XLSX cell can hold
    # one as _x0000_, JSON as \u0000); the CSV reader refuses a file with NUL bytes
    text = str(value).replace("\x00", "").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text


def decode(content: bytes) -> str:
    """The text of a file saved as UTF-8 (with or without BOM) or Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file's characters could not be read. Save it as UTF-8."))


def csv_rows(content: bytes) -> Iterator[list[Any]]:
    """The rows of a CSV file, the delimiter sniffed from the first line."""
    if b"\x00" in content:
        raise ImportRefused(_("The file is not a CSV text file."))
    text = decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    # a cell over the csv module's limit, a stray quote
    with parsing(
        _("The CSV file could not be read: a cell is too long or a quotation mark is not closed.")
    ):
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def xlsx_rows(content: bytes, *, max_cols: int | None = None) -> Iterator[Sequence[Any]]:
    """The rows of the first sheet of an Excel workbook (values, not formulas)."""
    from openpyxl import load_workbook

    not_xlsx = _("The file is not an Excel workbook (XLSX).")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused(not_xlsx)
    with parsing(not_xlsx), zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:  # a small file that unpacks to a huge one
        raise ImportRefused(_("The Excel workbook is too large once unpacked."))
    # openpyxl raises many kinds of error for a broken file, its own among them
    with parsing(not_xlsx, errors=(Exception,)):
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=max_cols, values_only=True)
    try:
        with parsing(_("The Excel workbook could not be read to the end."), errors=(Exception,)):
            yield from rows
    finally:
        workbook.close()


def read_rows(
    name: str,
    content: bytes,
    *,
    kinds: Sequence[str] = ("csv", "xlsx"),
    max_cols: int | None = None,
) -> Iterator[list[str]]:
    """The file's rows as lists of clean text; the file kind comes from its name."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in kinds:
        if tuple(kinds) == ("csv",):
            raise ImportRefused(_("Choose a CSV file (a file name ending in .csv)."))
        raise ImportRefused(_("Choose a CSV or XLSX file."))
    rows: Iterable = csv_rows(content) if suffix == "csv" else xlsx_rows(content, max_cols=max_cols)
    for row in rows:
        yield [clean_cell(value) for value in row]


# --- headers -----------------------------------------------------------------------


def in_every_language(make: Callable[[], Iterable[tuple[Any, str]]]) -> dict[str, str]:
    """``make()`` (pairs of text and key) evaluated in each language of the interface,
    the text trimmed and case-folded: what a header or a choice may say, in any language."""
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for text, key in make():
                found.setdefault(str(text).strip().casefold(), key)
    return found


def map_columns(
    header: Sequence[str], aliases: dict[str, str], *, required: str, required_label: str
) -> list[str | None]:
    """The field each column of ``header`` holds (``None`` for an empty header cell).

    Refuses the file for an unknown or repeated column, or when the ``required`` field
    has no column (then the first row is not the headers)."""
    columns: list[str | None] = []
    problems = []
    for text in header:
        name = aliases.get(text.casefold()) if text else None
        if text and name is None:
            problems.append(
                _("The column “%(column)s” is not one of the export's columns.") % {"column": text}
            )
        if name and name in columns:
            problems.append(_("The column “%(column)s” appears twice.") % {"column": text})
        columns.append(name)
    if required not in columns and not problems:
        problems.append(
            _(
                "The first row must hold the column headers, as in the export "
                "(“%(column)s” is missing)."
            )
            % {"column": required_label}
        )
    if problems:
        raise ImportRefused(" ".join(problems))
    return columns


# --- rows ----------------------------------------------------------------------------


def numbered(
    rows: Iterable[list[str]],
    *,
    start: int,
    max_rows: int,
    too_many: str,
    max_scanned: int | None = None,
) -> list[tuple[int, list[str]]]:
    """The non-empty rows with their row numbers in the file (the first being ``start``).

    Refuses with ``too_many`` beyond ``max_rows`` non-empty rows, or ``max_scanned`` rows
    read (empty ones included): the file is not read to its end."""
    found = []
    for number, row in enumerate(rows, start=start):
        if any(row):
            found.append((number, row))
        if len(found) > max_rows or (max_scanned is not None and number > max_scanned):
            raise ImportRefused(too_many)
    return found


def not_a_choice(value: str, labels: Iterable[str]) -> str:
    """The message for a cell that is none of a field's choices, naming the ones accepted:
    "“X” is not accepted: write social or situational" ("ange social eller situationell")."""
    accepted = get_text_list([str(label) for label in labels], _("or"))
    return _("“%(value)s” is not accepted: write %(choices)s.") % {
        "value": value,
        "choices": accepted,
    }


def row_error(number: int, message: str, column: str | None = None) -> str:
    """One line of the report: the row number, the column (if one), the message."""
    if column is None:
        return _("Row %(row)d: %(message)s") % {"row": number, "message": message}
    return _("Row %(row)d: %(column)s: %(message)s") % {
        "row": number,
        "column": column,
        "message": message,
    }


class _Rollback(Exception):
    pass


def all_or_none(
    rows: Iterable[tuple[int, Any]],
    check_row: Callable[[int, Any], list[str]],
    *,
    check_all: Callable[[], list[str]] | None = None,
    save: Callable[[], None] | None = None,
) -> list[str]:
    """All rows saved, or none.

    In one transaction: every row through ``check_row(number, cells)`` (which validates
    it — a form, a service — may save it, and returns the row's error lines), then
    ``check_all()`` (checks across rows, such as duplicates), then, if nothing was
    wrong, ``save()`` (for imports that save in bulk). Any error and everything is
    rolled back; the errors are returned in file order."""
    errors: list[str] = []
    try:
        with transaction.atomic():
            for number, cells in rows:
                errors += check_row(number, cells)
            if check_all is not None:
                errors += check_all()
            if errors:
                raise _Rollback
            if save is not None:
                save()
    except _Rollback:
        pass
    return errors


def upload_page(request, form, *, template: str, context: dict, run: Callable, done: Callable):
    """An import page: the form on GET; on POST ``run(upload)`` reads the file.

    ``run`` returns a report with ``ok``; when it is, ``done(report, upload)`` answers
    (a message and a redirect). A file refused as a whole is an error on the ``file``
    field; any error answers the page with the report and status 400.
    """
    if request.method != "POST":
        return render(request, template, context)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run(upload)
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            if report.ok:
                return done(report, upload)
    return render(request, template, {**context, "report": report}, status=400)
