"""Indicator pages: the list, the values a user may read, the staff-only import, a
goal's indicator, and the goals with their trend on the agreement page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement
from followup import indicators
from followup.models import GoalIndicator, IndicatorValue
from tests import factories as f
from tests.followup.test_indicators import GOOD, KOLADA_FILE


@pytest.fixture
def staff(db):
    return f.UserFactory(username="importer", is_staff=True)


@pytest.fixture
def survey(db):
    return f.IndicatorFactory(name="Trygghetsindex", code="TI-1")


def test_the_detail_shows_only_values_of_readable_municipalities(
    client_of, owner, outsider, survey, home, away
):
    f.IndicatorValueFactory(indicator=survey, municipality=home, year=2023, value="2.4")
    f.IndicatorValueFactory(indicator=survey, municipality=home, year=2024, value="2.15")
    f.IndicatorValueFactory(indicator=survey, municipality=away, year=2024, value="3.75")
    url = reverse("indicator-detail", args=[survey.pk])

    body = client_of(owner).get(url).content.decode()
    assert "Hemby" in body and "2,15" in body and 'role="img"' in body
    assert "Bortby" not in body and "3,75" not in body

    body = client_of(outsider).get(url).content.decode()
    assert "Bortby" in body and "3,75" in body
    assert "Hemby" not in body and "2,15" not in body


def test_the_list_escapes_hostile_names(client_of, owner):
    f.IndicatorFactory(name="<script>alert(1)</script>")
    body = client_of(owner).get(reverse("indicator-list")).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_the_detail_chart_escapes_hostile_names(client_of, owner, home):
    indicator = f.IndicatorFactory(name='"><script>alert(1)</script>')
    f.IndicatorValueFactory(indicator=indicator, municipality=home, area="<b>x</b>", year=2024)
    body = client_of(owner).get(reverse("indicator-detail", args=[indicator.pk])).content.decode()
    assert "<script>alert(1)" not in body and "<b>x</b>" not in body


def _upload(name: str, content: bytes, kind: str = "csv") -> dict:
    return {"kind": kind, "file": SimpleUploadedFile(name, content)}


def test_staff_import_a_good_csv_file(client_of, staff, survey, home, away):
    response = client_of(staff).post(reverse("indicator-import"), _upload("v.csv", GOOD))
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == 4


def test_a_bad_csv_file_shows_the_report_and_saves_nothing(client_of, staff, survey, home):
    content = b"TI-1;9101;;2023;T;2,4\nTI-1;9999;;2023;T;1\n"
    response = client_of(staff).post(reverse("indicator-import"), _upload("v.csv", content))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="import-report"' in body and "9999" in body
    assert IndicatorValue.objects.count() == 0


def test_oversize_and_wrong_type_are_refused_before_reading(client_of, staff, survey, monkeypatch):
    def never(**kwargs):
        raise AssertionError("the file must not be read")

    monkeypatch.setattr(indicators, "import_csv", never)
    client = client_of(staff)
    big = b"a" * (indicators.MAX_BYTES + 1)
    response = client.post(reverse("indicator-import"), _upload("stor.csv", big))
    assert response.status_code == 400 and "2 MB" in response.content.decode()
    response = client.post(reverse("indicator-import"), _upload("v.xlsx", GOOD))
    assert response.status_code == 400 and ".csv" in response.content.decode()
    response = client.post(reverse("indicator-import"), _upload("v.csv", GOOD, kind="kolada"))
    assert response.status_code == 400 and ".json" in response.content.decode()


def test_staff_import_a_kolada_file(client_of, staff, home):
    response = client_of(staff).post(
        reverse("indicator-import"),
        _upload(KOLADA_FILE.name, KOLADA_FILE.read_bytes(), kind="kolada"),
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(indicator__code="N07403").count() == 3


@pytest.mark.parametrize("who", ["owner", "liaison", "county_officer", "national_reader"])
def test_only_staff_open_the_import(client_of, request, who):
    client = client_of(request.getfixturevalue(who))
    assert client.get(reverse("indicator-import")).status_code == 404
    assert client.post(reverse("indicator-import"), _upload("v.csv", GOOD)).status_code == 404


# --- goals --------------------------------------------------------------------------


@pytest.fixture
def signed_goal(home):
    agreement = f.AgreementFactory(
        municipality=home, status=Agreement.Status.SIGNED, signed_snapshot={"goals": []}
    )
    return f.GoalFactory(agreement=agreement, text="Ökad trygghet <i>i</i> centrum")


def test_an_editor_points_a_goal_of_a_signed_agreement_at_an_indicator(
    client_of, owner, survey, signed_goal, home
):
    f.IndicatorValueFactory(indicator=survey, municipality=home, year=2024, value="2.15")
    url = reverse("goal-indicator", args=[signed_goal.pk])
    client = client_of(owner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"indicator": survey.pk, "area": "", "gender": "T"})
    assert response.status_code == 302
    link = GoalIndicator.objects.get(goal=signed_goal)
    assert link.indicator == survey
    signed_goal.refresh_from_db()
    assert (signed_goal.latest_value, signed_goal.latest_year) == (Decimal("2.15"), 2024)
    assert client.post(url, {"indicator": "", "gender": "T"}).status_code == 302
    assert not GoalIndicator.objects.exists()


def test_readers_cannot_point_goals(client_of, colleague, liaison, survey, signed_goal):
    url = reverse("goal-indicator", args=[signed_goal.pk])
    for user in (colleague, liaison):
        assert client_of(user).get(url).status_code == 404
        assert client_of(user).post(url, {"indicator": survey.pk, "gender": "T"}).status_code == 404


def test_the_agreement_page_shows_goals_against_their_indicator(
    client_of, owner, colleague, survey, signed_goal, home
):
    for year, value in ((2023, "2.4"), (2024, "2.15")):
        f.IndicatorValueFactory(indicator=survey, municipality=home, year=year, value=value)
    f.GoalIndicatorFactory(goal=signed_goal, indicator=survey)
    url = reverse("agreement-detail", args=[signed_goal.agreement_id])

    body = client_of(owner).get(url).content.decode()
    assert 'id="goal-progress"' in body
    assert "Trygghetsindex" in body and 'role="img"' in body and "2,15 (2024)" in body
    assert reverse("goal-indicator", args=[signed_goal.pk]) in body
    assert "<i>i</i>" not in body  # the goal's text is escaped

    body = client_of(colleague).get(url).content.decode()
    assert "Trygghetsindex" in body
    assert reverse("goal-indicator", args=[signed_goal.pk]) not in body


def test_the_agreement_page_queries_do_not_grow_with_goals(client_of, owner, home):
    from tests.queries import assert_constant_queries

    agreement = f.AgreementFactory(municipality=home)

    def add_goals(count: int) -> None:
        for _n in range(count):
            indicator = f.IndicatorFactory()
            goal = f.GoalFactory(agreement=agreement)
            f.GoalIndicatorFactory(goal=goal, indicator=indicator)
            f.IndicatorValueFactory(indicator=indicator, municipality=home, year=2024)

    add_goals(2)
    assert_constant_queries(
        client_of(owner), reverse("agreement-detail", args=[agreement.pk]), lambda: add_goals(18)
    )
