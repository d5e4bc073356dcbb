"""Hostile input, part 4: files that overflow the parsers. Every import (the activity
plan of a pledge, indicator values as CSV, indicator values as Kolada JSON) answers a
file nested 100 000 levels deep, a broken or truncated workbook, a CSV cell over the
csv module's limit, NUL bytes, numbers such as 1e999 and NaN with 400, the error
summary and a Swedish message: never a 5xx, and nothing is saved."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from councils import imports
from councils.imports import ImportRefused
from followup import kolada
from followup.models import Indicator, IndicatorValue
from pledges.models import Activity
from tests import factories as f
from tests.hostile.nasty import DEEP_NESTING, DEPTH

pytestmark = pytest.mark.django_db

DEEP_LISTS, DEEP_OBJECTS, OPEN_LISTS, DEEP_VALUES = DEEP_NESTING


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(content: bytes, replace: dict[str, bytes], drop: tuple[str, ...] = ()) -> bytes:
    """A copy of the workbook ``content`` with some of its parts replaced or dropped."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return buffer.getvalue()


GOOD_XLSX = workbook([["title", "type"], ["Nattvandring", "social"]])
DEEP_XML = b'<?xml version="1.0"?><a>' + b"<b>" * DEPTH + b"</b>" * DEPTH + b"</a>"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1 else b"&lol;" * 10)
        for n in range(1, 10)
    )
    + b']><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    + b"</sheetData></worksheet>"
)

#: (file name, content): what every CSV/XLSX upload gets
HOSTILE_CSV = {
    "deep lists": DEEP_LISTS,
    "deep objects": DEEP_OBJECTS,
    "open lists": OPEN_LISTS,
    "a field over the csv limit": b'title;description\r\nA;"' + b"x" * 200_000 + b'"\r\n',
    "an unclosed quote to the end": b'title;description\r\nA;"' + b"x;\r\n" * 50_000,
    "NUL bytes": b"title;type\r\nA\x00;social\r\n",
    "undecodable": b"title;type\r\n\x81\x8d\x8f\x90\x9d;social\r\n",
}
HOSTILE_XLSX = {
    "deep lists": DEEP_LISTS,
    "truncated": GOOD_XLSX[: len(GOOD_XLSX) // 2],
    "a zip without a workbook": rezip(GOOD_XLSX, {}, drop=("xl/workbook.xml",)),
    "a zip without content types": rezip(GOOD_XLSX, {}, drop=("[Content_Types].xml",)),
    "a sheet nested deep": rezip(GOOD_XLSX, {"xl/worksheets/sheet1.xml": DEEP_XML}),
    "a workbook nested deep": rezip(GOOD_XLSX, {"xl/workbook.xml": DEEP_XML}),
    "an entity bomb in the sheet": rezip(GOOD_XLSX, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS}),
    "a sheet that is not XML": rezip(GOOD_XLSX, {"xl/worksheets/sheet1.xml": b"\x00\xff<<"}),
    "a zip bomb": rezip(
        GOOD_XLSX, {"xl/worksheets/sheet1.xml": b" " * (imports.MAX_UNPACKED_BYTES + 1)}
    ),
}
#: what the Kolada upload gets: deep nesting, and numbers JSON reads as infinity or NaN
HOSTILE_KOLADA = {
    "deep lists": DEEP_LISTS,
    "deep objects": DEEP_OBJECTS,
    "open lists": OPEN_LISTS,
    "deep values": DEEP_VALUES,
    "not JSON": b"\xff\xfe{",
    **{
        f"a value of {number}": (
            '{"values": [{"kpi": "N1", "municipality": "9101", "period": 2023, '
            f'"values": [{{"gender": "T", "value": {number}}}]}}]}}'
        ).encode()
        for number in ("1e999", "-1e999", "NaN", "Infinity", "-Infinity", "1" * 5000)
    },
    **{
        f"a period of {number}": (
            '{"values": [{"kpi": "N1", "municipality": "9101", '
            f'"period": {number}, "values": [{{"gender": "T", "value": 1}}]}}]}}'
        ).encode()
        for number in ("1e999", "-1e999", "NaN", "1" * 5000)
    },
}


@pytest.fixture
def pledge(home):
    return f.PledgeFactory(municipality=home, title="Medborgarlöfte Hemby 2026")


@pytest.fixture
def staff(db):
    return f.UserFactory(username="importer", is_staff=True)


def refused(response) -> str:
    """The page of a refused import: 400, the error summary, the reason in Swedish."""
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert "data-error-summary" in body
    return body


def swedish(body: str) -> bool:
    """The reason is in Swedish: no English message of the imports on the page."""
    english = ("The file", "The CSV", "The Excel", "could not be read", "Entry ", "Row ")
    return not any(text in body for text in english) and any(
        word in body for word in ("Filen", "CSV-filen", "Excel", "Post ", "Rad ")
    )


@pytest.mark.parametrize(
    "name", [*[f"{n}.csv" for n in HOSTILE_CSV], *[f"{n}.xlsx" for n in HOSTILE_XLSX]]
)
def test_the_activity_import_refuses_hostile_files(client_of, owner, pledge, name):
    stem, suffix = name.rsplit(".", 1)
    content = (HOSTILE_CSV if suffix == "csv" else HOSTILE_XLSX)[stem]
    response = client_of(owner).post(
        reverse("pledge-import", args=[pledge.pk]),
        {"file": SimpleUploadedFile(f"plan.{suffix}", content)},
    )
    assert swedish(refused(response))
    assert not Activity.objects.filter(pledge=pledge).exists()


@pytest.mark.parametrize("stem", HOSTILE_CSV)
def test_the_indicator_csv_import_refuses_hostile_files(client_of, staff, home, stem):
    response = client_of(staff).post(
        reverse("indicator-import"),
        {"kind": "csv", "file": SimpleUploadedFile("v.csv", HOSTILE_CSV[stem])},
    )
    assert swedish(refused(response))
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("stem", HOSTILE_KOLADA)
def test_the_kolada_import_refuses_hostile_files(client_of, staff, home, stem):
    indicators_before = Indicator.objects.count()
    response = client_of(staff).post(
        reverse("indicator-import"),
        {"kind": "kolada", "file": SimpleUploadedFile("k.json", HOSTILE_KOLADA[stem])},
    )
    assert swedish(refused(response))
    assert not IndicatorValue.objects.exists()
    assert Indicator.objects.count() == indicators_before


@pytest.mark.parametrize("content", [DEEP_LISTS, DEEP_OBJECTS, OPEN_LISTS, DEEP_VALUES])
def test_deep_json_is_refused_for_its_depth(content):
    with pytest.raises(ImportRefused):
        kolada.document(content)
    with pytest.raises(ImportRefused):
        imports.parse_json(content)


def test_json_as_deep_as_kolada_answers_is_read():
    shallow = {"values": [{"values": [{"value": 1, "x": [[[{"y": "[[[["}]]]}]}]}
    assert kolada.document(json.dumps(shallow).encode()) == shallow


def test_the_kolada_client_refuses_deep_answers(monkeypatch):
    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(kolada.urllib.request, "urlopen", lambda *a, **k: Answer(DEEP_VALUES))
    with pytest.raises(kolada.KoladaUnavailable):
        kolada.kolada_fetch(kpi="N1", municipality="9101", years=[2023])


def test_parsing_turns_parser_errors_into_a_refusal():
    for error in (RecursionError(), ValueError(), zipfile.BadZipFile(), KeyError("x")):
        with pytest.raises(ImportRefused, match="Nope"), imports.parsing("Nope"):
            raise error
    with pytest.raises(ImportRefused, match="own reason"), imports.parsing("Nope"):
        raise ImportRefused("own reason")
