"""The county dashboard's charts (issue 15): a visible heading and a caption with the
year for each, labels that wrap onto lines instead of being cut, a chart that scales
down with the page, and a table with the same numbers behind each chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from followup import charts
from tests.followup.test_dashboard import county, today  # noqa: F401

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
LONG = "undertecknad och publicerad, ännu inte gällande"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_long_label_wraps_into_lines_and_no_word_is_lost():
    svg = str(charts.bar_svg([("a", LONG, 3), ("b", "utkast", 1)], title="Test"))
    spans = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)
    assert len(spans) >= 3  # the long label on two lines or more, "utkast" on one
    assert " ".join(spans[:-1]) == LONG and spans[-1] == "utkast"
    widest = max(len(span) for span in spans)
    assert widest * charts.CHAR_WIDTH <= charts.LABEL_WIDTH - 12
    # every line of a label sits left of the bars, each on its own baseline
    assert len(set(re.findall(r'<tspan x="[\d.]+" y="([\d.]+)"', svg))) == len(spans)
    assert 'viewBox="0 0 ' in svg


def test_a_hostile_label_is_escaped():
    svg = str(charts.bar_svg([("x", "<script>alert(1)</script>", 1)], title="<b>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_each_chart_has_a_heading_a_caption_with_the_year_and_a_table(
    client_of,
    county_officer,
    county,  # noqa: F811
):
    body = client_of(county_officer).get(reverse("county-dashboard", args=[county.code]))
    html = body.content.decode()
    phase = html.split('id="chart-phase"')[1].split("</figure>")[0]
    pledge = html.split('id="chart-pledge"')[1].split("</figure>")[0]

    assert '<h3 id="chart-phase-heading">Samverkansöverenskommelser efter fas</h3>' in phase
    assert "Kommunerna i Hemlän den 15 juni 2026" in phase
    assert '<h3 id="chart-pledge-heading">Medborgarlöften för 2026 efter status</h3>' in pledge
    assert "medborgarlöfte för 2026" in pledge

    # the table holds the numbers the chart draws: Hemby in force, Grannby expired
    def cells(figure: str) -> dict[str, str]:
        return dict(
            re.findall(r'<tr data-value="(\w+)"><th scope="row">[^<]*</th><td>(\d+)</td>', figure)
        )

    assert cells(phase)["in_force"] == "1" and cells(phase)["expired"] == "1"
    assert cells(phase)["draft"] == "0"
    assert cells(pledge)["published"] == "1" and cells(pledge)["draft"] == "1"
    assert "<caption>" in phase and "<caption>" in pledge
