"""councils.exports: the one CSV/XLSX writer."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from councils import exports


def test_csv_is_semicolons_with_a_byte_order_mark_and_neutralised():
    body = exports.csv_bytes(
        ["Titel", "Datum", "Antal"],
        [["=1+1", dt.date(2026, 3, 1), 3], [None, dt.date(2026, 1, 2), Decimal("1.5")]],
    )
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig") == (
        "Titel;Datum;Antal\r\n'=1+1;2026-03-01;3\r\n;2026-01-02;1,5\r\n"
    )


def test_csv_decimals_have_a_comma_and_only_the_decimals_they_need():
    rows = [
        [Decimal("1.8000"), Decimal("1234567.125"), Decimal("1E+2"), Decimal("-0.00")],
        [0.25, 1200, -3, Decimal("0.000001")],
    ]
    body = exports.csv_bytes(["A", "B", "C", "D"], rows).decode("utf-8-sig")
    assert body.splitlines()[1:] == ["1,8;1234567,125;100;0", "0,25;1200;-3;0,000001"]


def test_xlsx_cells_are_typed():
    body = exports.xlsx_bytes(
        ["Titel", "Datum", "Antal", "Värde"],
        [["-kvällar", dt.date(2026, 3, 1), 3, Decimal("1.25")]],
        sheet="Aktiviteter med ett mycket långt namn som inte får plats",
        widths={"A": 40},
    )
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet.title == "Aktiviteter med ett mycket lång"
    title, date, count, value = sheet[2]
    assert title.value == "'-kvällar" and title.data_type == "s"
    assert date.value.date() == dt.date(2026, 3, 1) and date.number_format == "yyyy-mm-dd"
    assert count.value == 3 and count.data_type == "n"
    assert value.value == 1.25 and value.data_type == "n"
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"


def test_response_names_the_file_once():
    response = exports.response("csv", ["a"], [[1]], filename="plan-2026")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"plan-2026.csv\"; filename*=UTF-8''plan-2026.csv"
    )
    inline = exports.file_response(b"[]", fmt="json", filename="open", inline=True)
    assert inline["Content-Disposition"].startswith('inline; filename="open.json";')


def test_file_names_are_swedish_words_made_plain():
    assert exports.filename("Länssammanställning", "Uppsala län", 2026) == (
        "lanssammanstallning-uppsala-lan-2026"
    )
    assert exports.filename("Östra Göinge", "Åre", None, "") == "ostra-goinge-are"
    assert exports.filename("<script>", "../../etc") == "script-etc"
    assert exports.filename("", None) == "fil"


def test_a_name_outside_ascii_is_carried_by_filename_star():
    header = exports.disposition('Län "x".pdf')
    assert header == "attachment; filename=\"Ln x.pdf\"; filename*=UTF-8''L%C3%A4n%20%22x%22.pdf"
