"""The county board's logo as SVG (issue 15): a clean SVG is accepted and drawn on the
cover of the county summary; an SVG that declares entities, runs code, fetches anything
or is not SVG at all is refused with a Swedish message naming what is refused."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from councils.validators import LOGO_MAX_BYTES, logo_type
from followup import reports
from followup.models import Report
from tests.followup.test_county_analysis import _png
from tests.followup.test_dashboard import _fill

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
SVG = "http://www.w3.org/2000/svg"
PIXEL = base64.b64encode(_png((4, 4))).decode()

CLEAN = f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40"
     viewBox="0 0 120 40">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#036"/></linearGradient></defs>
  <style>.mark {{ fill: #036; }}</style>
  <rect class="mark" width="120" height="40" fill="url(#g)"/>
  <use xlink:href="#g"/>
  <image href="data:image/png;base64,{PIXEL}" width="4" height="4"/>
  <text x="10" y="25">Länsstyrelsen</text>
</svg>""".encode()


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def _svg(body: str) -> bytes:
    return f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>'.encode()


def _refusal(county_board, content: bytes) -> str:
    county_board.logo = SimpleUploadedFile("logo.svg", content)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        county_board.full_clean()
    [message] = refused.value.message_dict["logo"]
    return message


def test_a_clean_svg_is_accepted(county_board):
    county_board.logo = SimpleUploadedFile("logo.svg", CLEAN)
    county_board.full_clean()
    assert logo_type(CLEAN) == "image/svg+xml"
    assert logo_type(_png()) == "image/png"


@pytest.mark.parametrize(
    ("content", "refused"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>' + _svg("&a;"),
            "Logotypen får inte innehålla någon DOCTYPE- eller ENTITY-deklaration.",
        ),
        (
            b'<!doctype svg SYSTEM "file:///etc/passwd">' + _svg(""),
            "Logotypen får inte innehålla någon DOCTYPE- eller ENTITY-deklaration.",
        ),
        (
            b'<?xml-stylesheet href="https://example.org/a.css"?>' + _svg(""),
            "Logotypen får inte hänvisa till en extern stilmall.",
        ),
        (
            b'<svg xmlns="http://www.w3.org/1999/xhtml"></svg>',
            "Logotypens yttersta element måste vara ett svg-element i SVG-namnrymden.",
        ),
        (
            b"<svg></svg>",
            "Logotypens yttersta element måste vara ett svg-element i SVG-namnrymden.",
        ),
        (b"<svg", "Logotypen gick inte att läsa som en SVG-bild."),
        (b"\xff\xfe<\x00s\x00", "Logotypen måste vara en PNG- eller SVG-bild."),
        (
            _svg("<script>alert(1)</script>"),
            "Logotypen får inte innehålla något <script>-element.",
        ),
        (
            _svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
            "Logotypen får inte innehålla något <foreignObject>-element.",
        ),
        (
            _svg('<rect onclick="alert(1)"/>'),
            "Logotypen får inte innehålla händelseattributet onclick.",
        ),
        (_svg('<g ONLOAD="x"/>'), "Logotypen får inte innehålla händelseattributet ONLOAD."),
        (
            _svg('<image href="https://example.org/tracker.png"/>'),
            "Logotypen får bara länka till sina egna delar (#…) eller till inbäddade PNG- "
            "eller JPEG-bilder; den här länken godtas inte: https://example.org/tracker.png",
        ),
        (
            _svg('<a xlink:href="java&#115;cript:alert(1)"><rect/></a>'),
            "Logotypen får bara länka till sina egna delar (#…) eller till inbäddade PNG- "
            "eller JPEG-bilder; den här länken godtas inte: javascript:alert(1)",
        ),
        (
            _svg('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'),
            "Logotypen får bara länka till sina egna delar (#…) eller till inbäddade PNG- "
            "eller JPEG-bilder; den här länken godtas inte: data:image/svg+xml;base64,PHN2Zy8+",
        ),
        (
            _svg("<style>rect { fill: url(https://example.org/x.svg#p); }</style>"),
            "Logotypens <style> får inte innehålla url( eller @import.",
        ),
        (
            _svg("<style>@IMPORT 'https://example.org/a.css';</style>"),
            "Logotypens <style> får inte innehålla url( eller @import.",
        ),
    ],
)
def test_a_hostile_svg_is_refused_naming_what(county_board, content, refused):
    assert _refusal(county_board, content) == refused


def test_an_svg_has_the_same_size_limit(county_board):
    big = _svg("<!--" + "x" * LOGO_MAX_BYTES + "-->")
    assert _refusal(county_board, big).startswith("Logotypen får vara högst 512 kB")


def _summary(county, fetcher=None) -> PdfReader:
    report = Report(kind=Report.Kind.COUNTY_SUMMARY, object_id=county.pk, parameters={"year": 2026})
    return PdfReader(io.BytesIO(reports.render(report, fetcher or reports.StaticOnlyFetcher())))


def _drawing(reader: PdfReader) -> bytes:
    return reader.pages[0].get_contents().get_data()


def test_the_pdf_draws_an_svg_logo(home, home_county, county_board):
    _fill(home)
    without = _summary(home_county)
    county_board.logo = SimpleUploadedFile("logo.svg", CLEAN)
    county_board.save()
    fetcher = reports.StaticOnlyFetcher()
    with_logo = _summary(home_county, fetcher)
    assert fetcher.attached[reports.LOGO_URL][1] == "image/svg+xml"
    assert reports.LOGO_URL in fetcher.requested
    assert len(with_logo.pages) == len(without.pages)
    # the logo's vector drawing and its embedded pixel are on the cover
    assert len(_drawing(with_logo)) > len(_drawing(without))
    assert b" re" in _drawing(with_logo) and b" re" not in _drawing(without)
    assert len(with_logo.pages[0].images) == 1 and not without.pages[0].images
    assert "Länsstyrelsen" in with_logo.pages[0].extract_text()


def test_the_fetcher_serves_an_embedded_png_and_nothing_else_from_data():
    response = reports.StaticOnlyFetcher().fetch(f"data:image/png;base64,{PIXEL}")
    assert response.read(8) == b"\x89PNG\r\n\x1a\n"
    response.close()
