"""Uploaded files are parsed in one place: ``councils.imports``. Its readers
(``read_rows``, ``csv_rows``, ``xlsx_rows``, ``parse_json``) run every parser inside
``parsing(refusal)``, so a hostile file (nested 100 000 levels deep, a truncated
workbook, a cell over the csv module's limit, 1e999) is refused with a reason and
never a 500. This gate fails when app code calls a parser itself:

- ``json.loads`` / ``json.load``, ``csv.reader`` / ``csv.DictReader``,
  ``openpyxl.load_workbook``, ``zipfile.ZipFile`` and ``xml.etree`` parsing.

Management commands that read the project's own reference data (files in the
repository, not uploads) are exempt, as is test code.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_PACKAGES = ("config", "councils", "agreements", "pledges", "est", "followup", "search")
THE_KIT = ROOT / "councils" / "imports.py"
PARSERS = {
    ("json", "loads"),
    ("json", "load"),
    ("csv", "reader"),
    ("csv", "DictReader"),
    ("zipfile", "ZipFile"),
    ("ElementTree", "fromstring"),
    ("ElementTree", "parse"),
    ("ET", "fromstring"),
    ("ET", "parse"),
}
PARSER_NAMES = {"load_workbook", "ZipFile", "fromstring", "iterparse"}
HINT = "parse uploads through councils.imports (read_rows, parse_json, parsing(refusal))"


def violations(source: str) -> list[str]:
    """The parsers a module's source calls itself, with their line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in PARSERS or func.attr in PARSER_NAMES:
                found.append(f"line {node.lineno}: {func.value.id}.{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in PARSER_NAMES:
            found.append(f"line {node.lineno}: {func.id}()")
    return found


def _app_modules():
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.parts
            if "migrations" in parts or "commands" in parts or path == THE_KIT:
                continue
            yield path


def test_the_gate_finds_the_old_pattern():
    snippet = (
        "import csv, json, zipfile\n"
        "from openpyxl import load_workbook\n"
        "def read(content):\n"
        "    document = json.loads(content.decode())\n"
        "    rows = csv.reader(content)\n"
        "    book = load_workbook(content)\n"
        "    archive = zipfile.ZipFile(content)\n"
    )
    assert [v.split(":")[0] for v in violations(snippet)] == [
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert violations("from councils import imports\nimports.parse_json(b'{}')\n") == []


def test_no_app_code_parses_an_upload_itself():
    found = []
    for path in _app_modules():
        for violation in violations(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)} {violation}")
    assert not found, f"{HINT}:\n" + "\n".join(found)
