"""Gates for status sets and exports: one definition, one writer.

- A template never compares a raw status string (``pledge.status == "published"``): the
  models give properties (``pledge.is_public``, ``pledge.in_review``, ``report.is_done``).
- Only ``pledges/models.py`` says which pledge statuses are public
  (``Pledge.PUBLIC_STATUSES``, ``Pledge.objects.public()``, ``pledge.is_public``).
- Only ``councils/exports.py`` writes a CSV (``csv.writer``/``csv.DictWriter``) or creates
  an openpyxl ``Workbook``: every export goes through ``councils.exports``.

Each gate is shown to catch the old pattern on a snippet.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["councils", "agreements", "pledges", "est", "followup", "search"]

# --- templates: no raw status strings ------------------------------------------------

#: ``x.status == "…"``, ``"…" != x.status``, ``x.status in "…"`` inside a template tag
RAW_STATUS = re.compile(
    r"""\bstatus\s*(?:==|!=|in|not\s+in)\s*["']|["']\s*(?:==|!=)\s*[\w.]*\bstatus\b"""
)


def raw_status_comparisons(text: str) -> list[str]:
    found = []
    for tag in re.findall(r"{%.*?%}", text, flags=re.S):
        if RAW_STATUS.search(tag):
            found.append(tag)
    return found


def test_templates_compare_no_raw_status_strings():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for tag in raw_status_comparisons(path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not offenders, (
        "Compare statuses through the model's properties (pledge.is_public, pledge.in_review, "
        "agreement.is_signed, report.is_done …), not raw strings:\n" + "\n".join(offenders)
    )


def test_raw_status_gate_catches_the_old_pattern():
    old = '{% if pledge.status == "approved" or pledge.status == "published" %}x{% endif %}'
    assert raw_status_comparisons(old)
    assert raw_status_comparisons("{% elif report.status != 'failed' %}")
    assert raw_status_comparisons('{% if "done" == share.status %}')
    assert not raw_status_comparisons("{% if pledge.in_signing %}{{ pledge.status }}{% endif %}")
    assert not raw_status_comparisons('<span class="status status--{{ pledge.status }}">')


# --- which pledge statuses are public: defined once ----------------------------------

PUBLIC_MEMBERS = {"PUBLISHED", "FOLLOWED_UP"}


def public_status_definitions(source: str) -> list[int]:
    """Lines that spell out the public statuses: a tuple/list/set holding both
    ``Status.PUBLISHED`` and ``Status.FOLLOWED_UP`` (or their strings), or an assignment
    to a name like ``PUBLIC_STATUSES``/``FOLLOWED_UP_STATUSES``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            members = set()
            for element in node.elts:
                if isinstance(element, ast.Attribute):
                    members.add(element.attr)
                elif isinstance(element, ast.Constant) and isinstance(element.value, str):
                    members.add(element.value.upper())
            if members >= PUBLIC_MEMBERS:
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and re.fullmatch(
                    r"(PUBLIC|PUBLISHED|FOLLOWED_UP)_STATUSES", target.id
                ):
                    lines.append(node.lineno)
    return lines


def test_only_the_models_define_the_public_statuses():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "pledges/models.py" or "/migrations/" in relative:
                continue
            for line in public_status_definitions(path.read_text()):
                offenders.append(f"{relative}:{line}")
    assert not offenders, (
        "Which pledges are public is said once, in pledges/models.py: use "
        "Pledge.PUBLIC_STATUSES, Pledge.objects.public() or pledge.is_public:\n"
        + "\n".join(offenders)
    )


def test_public_status_gate_catches_the_old_pattern():
    assert public_status_definitions(
        "FOLLOWED_UP_STATUSES = (Pledge.Status.PUBLISHED, Pledge.Status.FOLLOWED_UP)"
    )
    assert public_status_definitions(
        "q = Pledge.objects.filter(status__in=[Pledge.Status.PUBLISHED, Pledge.Status.FOLLOWED_UP])"
    )
    assert public_status_definitions("PUBLIC = ('published', 'followed_up')")
    assert public_status_definitions("PUBLIC_STATUSES = Pledge.PUBLIC_STATUSES")
    assert not public_status_definitions("q = Pledge.objects.public()")
    assert not public_status_definitions("ok = pledge.status in Pledge.PUBLIC_STATUSES")


# --- one export writer ---------------------------------------------------------------

WRITER_HOME = "councils/exports.py"


def spreadsheet_writers(source: str) -> list[int]:
    """Lines that write a CSV (``csv.writer``/``csv.DictWriter``, imported or not) or
    create an openpyxl ``Workbook``."""
    tree = ast.parse(source)
    imported = (
        set()
    )  # names bound by ``from csv import writer`` / ``from openpyxl import Workbook``
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("csv", "openpyxl"):
            for alias in node.names:
                if alias.name in ("writer", "DictWriter", "Workbook"):
                    imported.add(alias.asname or alias.name)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("writer", "DictWriter", "Workbook"):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in ("csv", "openpyxl"):
                lines.append(node.lineno)
        elif isinstance(func, ast.Name) and func.id in imported:
            lines.append(node.lineno)
    return lines


def test_only_councils_exports_writes_spreadsheets():
    offenders = []
    for app in [*APPS, "api", "est"]:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            relative = path.relative_to(ROOT).as_posix()
            if relative == WRITER_HOME:
                continue
            for line in spreadsheet_writers(path.read_text()):
                offenders.append(f"{relative}:{line}")
    assert not offenders, (
        "Write CSV and XLSX files through councils.exports (response, render, csv_bytes, "
        "xlsx_bytes): one delimiter, one encoding, one formula guard:\n" + "\n".join(offenders)
    )


def test_writer_gate_catches_the_old_pattern():
    assert spreadsheet_writers("import csv\nw = csv.writer(out, lineterminator='\\r\\n')")
    assert spreadsheet_writers("import csv\nw = csv.DictWriter(out, fieldnames=['a'])")
    assert spreadsheet_writers("from openpyxl import Workbook\nbook = Workbook()")
    assert spreadsheet_writers("import openpyxl\nbook = openpyxl.Workbook()")
    assert spreadsheet_writers("from csv import writer as w\nw(out)")
    assert not spreadsheet_writers("import csv\nrows = csv.reader(text)")
    assert not spreadsheet_writers("from openpyxl import load_workbook\nload_workbook(f)")
    assert not spreadsheet_writers("from councils import exports\nexports.csv_bytes(h, rows)")


# --- one way to serve a download ------------------------------------------------------

#: what only the export module says: the content types of downloads, the header that
#: names the file, the CSV delimiter
DOWNLOAD_WORDS = ("text/csv", "spreadsheetml", "application/pdf", "content-disposition")
DOWNLOAD_NAMES = ("FileResponse", "StreamingHttpResponse", "content_disposition_header")


def download_builders(source: str) -> list[int]:
    """Lines that serve a file without ``councils.exports``: a download content type or
    a ``Content-Disposition`` spelled out, a ``FileResponse``/``StreamingHttpResponse``,
    Django's ``content_disposition_header``, or a ``delimiter=`` of their own (a CSV
    joined by hand with commas is served as text/csv, which this gate also catches)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(word in node.value.lower() for word in DOWNLOAD_WORDS):
                lines.append(node.lineno)
        elif isinstance(node, ast.Name | ast.alias):
            name = node.id if isinstance(node, ast.Name) else node.name
            if name in DOWNLOAD_NAMES:
                lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in DOWNLOAD_NAMES:
            lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "delimiter":
            lines.append(node.value.lineno)
    return sorted(set(lines))


#: Files that may: the export writer, and the import reader (which sniffs delimiters)
DOWNLOAD_HOMES = {"councils/exports.py", "councils/imports.py"}


def test_only_councils_exports_serves_downloads():
    offenders = []
    for app in [*APPS, "api", "est"]:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            relative = path.relative_to(ROOT).as_posix()
            if relative in DOWNLOAD_HOMES or "/migrations/" in relative:
                continue
            for line in download_builders(path.read_text()):
                offenders.append(f"{relative}:{line}")
    assert not offenders, (
        "Serve every CSV, XLSX and PDF through councils.exports (response, file_response, "
        "file_download, filename): semicolons and a BOM, typed cells, a descriptive file "
        "name in Content-Disposition:\n" + "\n".join(offenders)
    )


def test_download_gate_catches_the_old_patterns():
    comma_csv = (
        "from django.http import HttpResponse\n"
        "def export(request):\n"
        "    body = '\\n'.join(','.join(map(str, row)) for row in rows)\n"
        "    return HttpResponse(body, content_type='text/csv')\n"
    )
    assert download_builders(comma_csv) == [4]
    assert download_builders("r = HttpResponse(b)\nr['Content-Disposition'] = 'attachment'")
    assert download_builders("from django.http import FileResponse\nFileResponse(f)")
    assert download_builders("import django.http\ndjango.http.FileResponse(f)")
    assert download_builders("from django.utils.http import content_disposition_header")
    assert download_builders("w = csv.writer(out, delimiter=',')")
    assert download_builders("HttpResponse(x, content_type='application/pdf')")
    assert not download_builders("from councils import exports\nexports.response('csv', h, r)")
    assert not download_builders("exports.file_download(handle, fmt='pdf', filename=name)")


# --- one import pipeline -------------------------------------------------------------

READER_HOMES = {"councils/imports.py", "councils/exports.py"}
#: Files that read CSV shipped with the code (not uploads), and why they may.
READS_OWN_DATA = {
    "councils/management/commands/load_reference_data.py": "reference data in councils/data/",
    "pledges/management/commands/load_regional_themes.py": "regional themes shipped as CSV",
}


def upload_readers(source: str) -> list[int]:
    """Lines that read a spreadsheet themselves (``csv.reader``/``csv.DictReader``,
    openpyxl's ``load_workbook``) or undo the formula guard (``FORMULA_START``)."""
    names = ("load_workbook", "FORMULA_START", "reader", "DictReader")
    lines = []
    for node in ast.walk(ast.parse(source)):
        csv_reader = (
            isinstance(node, ast.Attribute)
            and node.attr in ("reader", "DictReader")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        )
        bare = isinstance(node, ast.Name) and node.id in ("load_workbook", "FORMULA_START")
        imported = isinstance(node, ast.ImportFrom) and any(a.name in names for a in node.names)
        if csv_reader or bare or imported:
            lines.append(node.lineno)
    return lines


def test_only_councils_imports_reads_uploads():
    offenders = []
    for app in [*APPS, "api", "est"]:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            relative = path.relative_to(ROOT).as_posix()
            if relative in READER_HOMES or relative in READS_OWN_DATA:
                continue
            for line in upload_readers(path.read_text()):
                offenders.append(f"{relative}:{line}")
    assert not offenders, (
        "Read uploads through councils.imports (read_rows, map_columns, numbered, "
        "all_or_none, row_error): one decoder, one formula-guard undo:\n" + "\n".join(offenders)
    )


def test_reader_gate_catches_the_old_pattern():
    assert upload_readers("import csv\nfor row in csv.reader(io.StringIO(text)): pass")
    assert upload_readers("from openpyxl import load_workbook\nload_workbook(f)")
    assert upload_readers(
        "from councils.exports import FORMULA_START\n"
        'if text.startswith("\'") and text[1:].startswith(FORMULA_START): text = text[1:]'
    )
    assert not upload_readers("from councils import imports\nimports.read_rows(name, content)")
