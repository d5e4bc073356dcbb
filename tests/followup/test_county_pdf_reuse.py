# ruff: noqa: F811 (the fixtures imported from test_county_summary are parameters here)
"""The county summary PDF reuses the parts whose content did not change (issue 16): a
re-render lays out only what changed, reads the same page by page, shows the change,
keeps its contents' page numbers right, and never takes a part of another county."""

from __future__ import annotations

import re

import pytest

from followup import county_pdf, reports
from followup.models import CountyAnalysis, MunicipalityComment, Report
from pledges.models import Activity
from tests import factories as f
from tests.followup.test_county_summary import (  # noqa: F401 (fixtures)
    _flat,
    _media_and_clock,
    _pages,
    county,
)
from tests.followup.test_dashboard import _fill

SECTION_ID = re.compile(r'<section class="(\w+)" id="([\w-]+)"')


@pytest.fixture
def laid_out(monkeypatch):
    """The parts laid out (not found in the cache), by their first section's id."""
    county_pdf.clear_cache()
    made: list[str] = []
    original = county_pdf.lay_out

    def counting(html, fetcher):
        found = SECTION_ID.search(html)
        if '<nav class="toc"' in html:
            made.append("front")
        else:
            made.append(found.group(2) if found else "stamp")
        return original(html, fetcher)

    monkeypatch.setattr(county_pdf, "lay_out", counting)
    yield made
    county_pdf.clear_cache()


def _render(county, year=2026) -> bytes:
    report = Report(kind=Report.Kind.COUNTY_SUMMARY, object_id=county.pk, parameters={"year": year})
    return reports.render(report)


def test_a_second_render_reuses_every_part_and_reads_the_same(county, home, neighbour, laid_out):
    cold = _pages(_render(county))
    assert [part for part in laid_out if part != "front"] == [
        "overview",
        f"m-{neighbour.code}",
        f"m-{home.code}",
        "nothing",
        "stamp",
    ]
    laid_out.clear()
    warm = _pages(_render(county))
    # only the cover (it says when it was printed) and the contents are laid out again
    assert laid_out == ["front"]
    assert warm == cold


def test_one_municipality_changed_is_laid_out_again_and_shows(county, home, neighbour, laid_out):
    before = _pages(_render(county))
    activity = Activity.objects.filter(pledge__municipality=home).order_by("pk").first()
    activity.title = "Nyinsatt nattvandring i centrum"
    activity.save()
    laid_out.clear()
    after = _pages(_render(county))

    sections = [part for part in laid_out if part.startswith("m-")]
    assert sections == [f"m-{home.code}"]  # Grannby's section came from the cache
    assert _flat("Nyinsatt nattvandring i centrum") in _flat("".join(after))
    assert _flat("Nyinsatt nattvandring") not in _flat("".join(before))
    # the contents still point at the pages where each municipality's heading is
    for name in ("Grannby", "Hemby"):
        listed = re.search(re.escape(name) + r"[.]*(\d+)", _flat(after[1]))
        assert listed, name
        page = after[int(listed.group(1)) - 1]
        assert page.strip().splitlines()[0] == name


def test_a_section_that_grows_moves_the_pages_after_it(county, home, neighbour, laid_out):
    """Grannby comes before Hemby: a page more for Grannby moves Hemby's page number,
    its footer and its entry in the contents, while Hemby's section is reused."""
    _render(county)
    total_before = len(_pages(_render(county)))
    analysis = CountyAnalysis.objects.create(county=county, year=2026)
    long = "\n\n".join(f"Stycke {n} om Grannbys arbete under året." for n in range(60))
    MunicipalityComment.objects.create(analysis=analysis, municipality=neighbour, text=long)
    laid_out.clear()
    pages = _pages(_render(county))
    assert f"m-{home.code}" not in laid_out
    assert len(pages) > total_before
    for number, text in enumerate(pages, start=1):
        assert _flat(f"Sida {number} av {len(pages)}") in _flat(text), number
    listed = re.search(r"Hemby[.]*(\d+)", _flat(pages[1]))
    assert pages[int(listed.group(1)) - 1].strip().splitlines()[0] == "Hemby"


def test_another_county_never_gets_a_part_of_this_one(county, home, other_county, laid_out):
    _render(county)
    elsewhere = f.MunicipalityFactory(county=other_county, name="Bortaby", code="9390")
    _fill(elsewhere)
    laid_out.clear()
    text = _flat("".join(_pages(_render(other_county))))
    assert f"m-{elsewhere.code}" in laid_out
    assert "Bortaby" in text
    assert "Hemby" not in text and "Grannby" not in text
    keys = list(county_pdf._cache)
    assert {key.split(":")[0] for key in keys} == {str(county.pk), str(other_county.pk)}
