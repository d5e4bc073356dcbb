"""Indicator services: CSV and Kolada imports (all or nothing), goals' latest result,
goal_progress in a fixed number of queries, and the SVG trend chart."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agreements.models import Agreement
from followup import indicators, selectors
from followup.charts import trend_svg
from followup.models import GoalIndicator, Indicator, IndicatorValue
from tests import factories as f

KOLADA_FILE = Path(__file__).parent / "data" / "kolada_N07403.json"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return f.UserFactory(username="importer", is_staff=True)


@pytest.fixture
def survey(db):
    return f.IndicatorFactory(
        name="Trygghetsindex", code="TI-1", source=Indicator.Source.SAFETY_SURVEY
    )


@pytest.fixture
def violence(db):
    return f.IndicatorFactory(
        name="Anmälda våldsbrott", code="N07403", source=Indicator.Source.KOLADA, unit="per 100 000"
    )


def _csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


GOOD = _csv(
    "Indikator;Kommun;Område;År;Kön;Värde",
    "TI-1;9101;;2023;T;2,40",
    "TI-1;9101;;2024;T;2,1",
    "Trygghetsindex;9101;Centrum;2024;K;1 234,5",
    "ti-1;9201;;2024;;3.05",
)


# --- CSV ---------------------------------------------------------------------------


def test_a_good_csv_file_saves_every_value(staff, survey, home, away):
    report = indicators.import_csv(user=staff, name="värden.csv", content=GOOD)
    assert report.ok, report.errors
    assert report.created == 4
    stored = {
        (v.municipality.code, v.area, v.year, v.gender): v.value
        for v in IndicatorValue.objects.select_related("municipality")
    }
    assert stored == {
        ("9101", "", 2023, "T"): Decimal("2.4"),
        ("9101", "", 2024, "T"): Decimal("2.1"),
        ("9101", "Centrum", 2024, "K"): Decimal("1234.5"),
        ("9201", "", 2024, "T"): Decimal("3.05"),
    }


def test_importing_again_updates_instead_of_duplicating(staff, survey, home, away):
    indicators.import_csv(user=staff, name="a.csv", content=GOOD)
    report = indicators.import_csv(
        user=staff, name="a.csv", content=_csv("TI-1;9101;;2024;T;1,9", "TI-1;9101;;2023;T;2,4")
    )
    assert (report.created, report.updated) == (0, 1)
    assert IndicatorValue.objects.count() == 4
    assert selectors.latest_value(survey, home).value == Decimal("1.9")


def test_bad_rows_are_reported_row_by_row_and_nothing_is_saved(staff, survey, home):
    content = _csv(
        "Indikator;Kommun;Område;År;Kön;Värde",
        "TI-1;9101;;2023;T;2,40",
        "Okänd;9101;;2023;T;1",
        "TI-1;0000;;2023;T;1",
        "TI-1;9101;;1890;T;1",
        "TI-1;9101;;2024;X;1",
        "TI-1;9101;;2024;T;mycket",
        "TI-1;9101;;2023;T;2,5",
        "TI-1;9101",
    )
    report = indicators.import_csv(user=staff, name="fel.csv", content=content)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "Row 3" in text and "Okänd" in text
    assert "Row 4" in text and "0000" in text
    assert "Row 5" in text and "1890" in text
    assert "Row 6" in text and "X" in text
    assert "Row 7" in text and "mycket" in text
    assert "Row 8" in text and "row 2" in text  # the same value twice
    assert "Row 9" in text
    assert "Row 2:" not in text
    assert IndicatorValue.objects.count() == 0


def test_oversize_and_wrong_type_are_refused_before_reading(staff, survey, monkeypatch):
    with pytest.raises(indicators.ImportRefused, match="2 MB"):
        indicators.import_csv(
            user=staff, name="stor.csv", content=b"x" * (indicators.MAX_BYTES + 1)
        )
    with pytest.raises(indicators.ImportRefused):
        indicators.import_csv(user=staff, name="värden.xlsx", content=GOOD)
    with pytest.raises(indicators.ImportRefused):
        indicators.import_csv(user=staff, name="binär.csv", content=b"\x00\x01\x02")
    with pytest.raises(indicators.ImportRefused):
        indicators.import_csv(user=staff, name="tom.csv", content=b"")


def test_only_staff_may_import(owner, survey, home):
    with pytest.raises(PermissionDenied):
        indicators.import_csv(user=owner, name="a.csv", content=GOOD)
    assert IndicatorValue.objects.count() == 0


# --- Kolada ------------------------------------------------------------------------


def test_the_saved_kolada_answer_imports(staff, violence, home):
    report = indicators.import_kolada(
        user=staff, content=KOLADA_FILE.read_bytes(), name=KOLADA_FILE.name
    )
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (3, 1)  # the null value for K is skipped
    assert [(v.year, v.value) for v in violence.values.order_by("year")] == [
        (2021, Decimal("1180.5")),
        (2022, Decimal("1102.3")),
        (2023, Decimal("1034.9")),
    ]
    assert report.new_indicators == []


def test_a_kolada_kpi_without_an_indicator_becomes_one(staff, home):
    report = indicators.import_kolada(user=staff, content=KOLADA_FILE.read_bytes())
    assert report.ok
    indicator = Indicator.objects.get(source=Indicator.Source.KOLADA, code="N07403")
    assert [i.pk for i in report.new_indicators] == [indicator.pk]
    assert indicator.values.count() == 3


def test_a_wrong_kolada_entry_saves_nothing(staff, home):
    document = json.loads(KOLADA_FILE.read_text())
    document["values"].append(
        {"kpi": "N07403", "municipality": "0000", "period": 2023, "values": []}
    )
    document["values"][0]["values"][0]["value"] = "inte ett tal"
    report = indicators.import_kolada(user=staff, content=json.dumps(document).encode())
    assert not report.ok
    assert any("Entry 1" in e for e in report.errors)
    assert any("Entry 4" in e and "0000" in e for e in report.errors)
    assert IndicatorValue.objects.count() == 0
    assert not Indicator.objects.exists()  # the new indicator is not kept either


def test_a_file_that_is_not_kolada_json_is_refused(staff):
    for content in (b"not json", b"[1, 2]", b'{"data": []}'):
        with pytest.raises(indicators.ImportRefused):
            indicators.import_kolada(user=staff, content=content)


# --- goals' latest result -------------------------------------------------------------


@pytest.fixture
def goal(home):
    return f.GoalFactory(
        agreement=f.AgreementFactory(
            municipality=home, status=Agreement.Status.SIGNED, signed_snapshot={"goals": []}
        ),
        latest_value=None,
        latest_year=None,
    )


def test_an_import_sets_the_latest_result_of_linked_goals(staff, owner, survey, goal, home, away):
    indicators.goal_indicator_set(user=owner, goal=goal, indicator=survey)
    version = goal.version
    report = indicators.import_csv(user=staff, name="a.csv", content=GOOD)
    assert report.goals_updated == 1
    goal.refresh_from_db()
    assert (goal.latest_value, goal.latest_year) == (Decimal("2.10"), 2024)
    assert goal.version == version + 1
    record = goal.history.first()
    assert record.history_user == staff
    assert record.latest_value == Decimal("2.10")


def test_linking_a_goal_takes_the_latest_value_for_its_area_and_gender(
    owner, staff, survey, goal, home, away
):
    indicators.import_csv(user=staff, name="a.csv", content=GOOD)
    indicators.goal_indicator_set(
        user=owner, goal=goal, indicator=survey, area="Centrum", gender="K"
    )
    goal.refresh_from_db()
    assert (goal.latest_value, goal.latest_year) == (Decimal("1234.50"), 2024)
    assert goal.history.first().history_user == owner
    assert indicators.goal_indicator_set(user=owner, goal=goal, indicator=None) is None
    assert not GoalIndicator.objects.exists()


def test_only_editors_of_the_municipality_link_goals(colleague, outsider, survey, goal):
    for user in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            indicators.goal_indicator_set(user=user, goal=goal, indicator=survey)


# --- goal_progress ------------------------------------------------------------------------


def _goals_with_values(home, count: int):
    agreement = f.AgreementFactory(municipality=home)
    goals = []
    for n in range(count):
        goal = f.GoalFactory(agreement=agreement, text=f"Mål {n}")
        indicator = f.IndicatorFactory()
        f.GoalIndicatorFactory(goal=goal, indicator=indicator)
        for year in (2022, 2023, 2024):
            f.IndicatorValueFactory(
                indicator=indicator, municipality=home, year=year, value=Decimal(n + year - 2020)
            )
        goals.append(goal)
    goals.append(f.GoalFactory(agreement=agreement, text="Utan indikator"))
    return goals


def _count(goals) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        progress = selectors.goal_progress(goals)
        for item in progress.values():
            str(item.chart())
            _ = (item.indicator.name, item.latest_value, item.goal.baseline_value)
    return len(captured), progress


def test_goal_progress_takes_the_same_queries_for_2_and_20_goals(home):
    small, progress = _count(_goals_with_values(home, 2))
    large, progress_large = _count(_goals_with_values(home, 20))
    assert small == large == 2
    assert len(progress) == 2 and len(progress_large) == 20
    item = next(iter(progress.values()))
    assert [year for year, _v in item.series] == [2022, 2023, 2024]
    assert item.latest_year == 2024
    assert selectors.goal_progress([]) == {}


# --- the chart ----------------------------------------------------------------------------


def test_the_chart_is_an_accessible_svg_with_the_values():
    svg = str(
        trend_svg(
            [(2022, Decimal("2.4")), (2023, Decimal("2.15")), (2024, Decimal("1.9"))],
            title="Trygghetsindex",
            description="Färre ska uppleva problem",
            baseline=Decimal("2.40"),
            target=Decimal("2.00"),
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "Trygghetsindex</title>" in svg and "<desc" in svg
    for shown in ("2022", "2024", "2.15", "1.9", "Baseline 2.4", "Target 2"):
        assert shown in svg
    assert "trend-chart__baseline" in svg and "trend-chart__target" in svg
    assert "<script" not in svg


def test_the_chart_escapes_hostile_names():
    svg = str(
        trend_svg(
            [(2024, Decimal(1))],
            title='<script>alert("x")</script>',
            description="</desc><a href='javascript:x'>",
            unit="&<>",
        )
    )
    assert "<script" not in svg and "</desc><a" not in svg
    assert "&lt;script&gt;" in svg and "&amp;&lt;&gt;" in svg


def test_a_chart_without_values_says_so():
    svg = str(trend_svg([], title="Tomt"))
    assert 'role="img"' in svg and "No values yet." in svg
