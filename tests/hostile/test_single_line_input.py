"""A line break or another control character in a single-line field is refused where
text comes in (issue 13): forms (also plain forms that feed no model field), the
activity import and the indicator imports, each with a Swedish message at the field
or the row. Models refuse it through ``full_clean``: tests/test_kit_gates_single_line.py.
"""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from councils.forms import SignForm
from followup import indicators
from pledges import importexport
from pledges.forms import ActivityForm
from pledges.models import Activity
from tests import factories as f

pytestmark = pytest.mark.django_db

SWEDISH = "Fältet får inte innehålla radbrytningar eller andra styrtecken."
HOSTILE = "Trygg stad\r\nBcc: injected@evil.example"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def test_a_plain_form_refuses_a_line_break_in_a_single_line_field():
    form = SignForm(data={"name": HOSTILE, "title": "Kommunstyrelsens ordförande"})
    assert not form.is_valid()
    assert form.errors["name"] == [SWEDISH]
    assert "title" not in form.errors


def test_a_model_form_refuses_a_line_break_but_keeps_them_in_text_areas(home):
    pledge = f.PledgeFactory(municipality=home)
    data = {"title": HOSTILE, "description": "Rad ett\r\nRad två", "type": "social"}
    data |= {"responsible_party": "joint", "cadence": "tertial", "status": "planned"}
    form = ActivityForm(data, instance=Activity(pledge=pledge), pledge=pledge)
    assert not form.is_valid()
    assert form.errors["title"] == [SWEDISH]
    assert "description" not in form.errors


def test_the_activity_import_refuses_a_line_break_in_a_title(owner, home):
    pledge = f.PledgeFactory(municipality=home)
    content = (
        b'title;type;responsible_party;recurrence\r\n"Natt\nvandring";social;joint;Varje fredag\r\n'
    )
    report = importexport.import_activities(
        user=owner, pledge=pledge, name="a.csv", content=content
    )
    assert not report.ok and not pledge.activities.exists()
    assert len(report.errors) == 1 and SWEDISH in report.errors[0]


def test_the_indicator_import_refuses_a_line_break_in_an_area(home):
    staff = f.UserFactory(username="importer", is_staff=True)
    f.IndicatorFactory(code="TI-1")
    content = 'Indikator;Kommun;Område;År;Kön;Värde\r\nTI-1;9101;"Cent\nrum";2024;T;2\r\n'
    report = indicators.import_csv(user=staff, name="a.csv", content=content.encode())
    assert not report.ok
    assert report.errors == [
        "Rad 2: området får inte innehålla radbrytningar eller andra styrtecken."
    ]


def test_the_kolada_import_refuses_a_control_character_in_a_kpi(home):
    staff = f.UserFactory(username="importer", is_staff=True)
    document = {
        "values": [
            {
                "kpi": "N07\x1b403",
                "municipality": "9101",
                "period": 2023,
                "values": [{"gender": "T", "value": 1}],
            }
        ]
    }
    report = indicators.import_kolada(user=staff, content=json.dumps(document).encode())
    assert not report.ok and report.new_indicators == []
    assert any("nyckeltalet får inte innehålla" in error for error in report.errors)
