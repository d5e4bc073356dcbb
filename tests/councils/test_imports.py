"""councils.imports: the one import pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from councils import exports, imports
from councils.imports import ImportRefused


def test_clean_cell_undoes_the_formula_guard_once():
    assert imports.clean_cell(exports.neutralise("=1+1")) == "=1+1"
    assert imports.clean_cell("'=1") == "=1"
    assert imports.clean_cell("'vanlig text") == "'vanlig text"
    assert imports.clean_cell(3.0) == "3"
    assert imports.clean_cell(dt.datetime(2026, 3, 1)) == "2026-03-01"  # noqa: DTZ001
    assert imports.clean_cell(" a\x00b ") == "ab"
    assert imports.clean_cell(None) == ""


@pytest.mark.parametrize(
    "content",
    [
        "Titel;Ort\r\nKväll;Hemby\r\n".encode("utf-8-sig"),
        "Titel,Ort\r\nKväll,Hemby\r\n".encode(),
        "Titel\tOrt\r\nKväll\tHemby\r\n".encode("cp1252"),
    ],
)
def test_read_rows_sniffs_encoding_and_delimiter(content):
    assert list(imports.read_rows("a.csv", content)) == [["Titel", "Ort"], ["Kväll", "Hemby"]]


def test_read_rows_reads_what_the_export_writes():
    body = exports.xlsx_bytes(["Titel", "Datum"], [["=SUMMA(A1)", dt.date(2026, 3, 1)]])
    assert list(imports.read_rows("a.xlsx", body)) == [
        ["Titel", "Datum"],
        ["=SUMMA(A1)", "2026-03-01"],
    ]
    csv_body = exports.csv_bytes(["Titel"], [["-5 grader"]])
    assert list(imports.read_rows("a.csv", csv_body)) == [["Titel"], ["-5 grader"]]


def test_read_rows_refuses_other_kinds_and_large_files():
    with pytest.raises(ImportRefused):
        list(imports.read_rows("a.pdf", b"x"))
    with pytest.raises(ImportRefused):
        list(imports.read_rows("a.xlsx", b"a;b", kinds=("csv",)))
    with pytest.raises(ImportRefused):
        imports.check_size(b"x" * (imports.MAX_BYTES + 1))


def test_map_columns_takes_aliases_and_refuses_unknown_or_missing():
    aliases = {"titel": "title", "title": "title", "ort": "place"}
    assert imports.map_columns(
        ["Titel", "", "Ort"], aliases, required="title", required_label="Titel"
    ) == ["title", None, "place"]
    with pytest.raises(ImportRefused, match="Unknown"):
        imports.map_columns(["Titel", "Unknown"], aliases, required="title", required_label="T")
    with pytest.raises(ImportRefused):
        imports.map_columns(["Ort"], aliases, required="title", required_label="Titel")


def test_numbered_skips_empty_rows_and_stops_at_the_limit():
    rows = [["a"], [""], ["b"]]
    assert imports.numbered(rows, start=2, max_rows=5, too_many="!") == [(2, ["a"]), (4, ["b"])]
    with pytest.raises(ImportRefused, match="!"):
        imports.numbered(rows, start=2, max_rows=1, too_many="!")


@pytest.mark.django_db
def test_all_or_none_saves_nothing_when_a_row_is_wrong():
    def check(number, cells):
        Group.objects.create(name=cells[0])
        return [] if cells[0] != "bad" else [imports.row_error(number, "fel", column="Kod")]

    errors = imports.all_or_none([(2, ["91"]), (3, ["bad"])], check)
    assert len(errors) == 1 and "3" in errors[0] and "Kod" in errors[0]
    assert not Group.objects.filter(name="91").exists()

    saved = []
    errors = imports.all_or_none(
        [(2, ["92"])], check, check_all=lambda: [], save=lambda: saved.append(True)
    )
    assert errors == [] and saved == [True]
    assert Group.objects.filter(name="92").exists()


def test_parse_xml_refuses_declarations_before_parsing_and_broken_xml():
    root = imports.parse_xml('<a xmlns="urn:x"><b/></a>', refusal="broken", declared="declared")
    assert root.tag == "{urn:x}a"
    bomb = '<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>'
    for text in (bomb, '<!doctype a SYSTEM "file:///etc/passwd"><a/>', "<! ENTITY x><a/>"):
        with pytest.raises(imports.ImportRefused, match=r"^declared$"):
            imports.parse_xml(text, refusal="broken", declared="declared")
    for text in ("<a>", "<a>&x;</a>", ""):
        with pytest.raises(imports.ImportRefused, match=r"^broken$"):
            imports.parse_xml(text, refusal="broken", declared="declared")
