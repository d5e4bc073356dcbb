"""``councils.forms.rendered_unbound``: an empty form rendered once per process for what
it is made of, and refused a saved object that cannot say it changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from councils.forms import rendered_unbound
from followup.forms import CountySummaryForm, MarkFollowedUpForm
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_form_is_rendered_once_for_what_it_is_made_of(monkeypatch):
    day = dt.date(2026, 6, 15)
    first = rendered_unbound(CountySummaryForm, today=day)
    assert str(first) == str(CountySummaryForm(today=day))
    monkeypatch.setattr(CountySummaryForm, "__str__", lambda self: "rendered again")
    assert str(rendered_unbound(CountySummaryForm, today=day)) == str(first)
    assert str(rendered_unbound(CountySummaryForm, today=dt.date(2027, 1, 2))) == "rendered again"
    with translation.override("en"):
        assert str(rendered_unbound(CountySummaryForm, today=day)) == "rendered again"


def test_a_saved_object_is_known_by_its_version(home):
    pledge = f.PledgeFactory(municipality=home)
    before = str(rendered_unbound(MarkFollowedUpForm, pledge=pledge))
    pledge.period_start += dt.timedelta(days=1)
    pledge.version += 1
    pledge.save()
    after = str(rendered_unbound(MarkFollowedUpForm, pledge=pledge))
    assert before != after and pledge.period_start.isoformat() in after
    with pytest.raises(TypeError, match="no version"):
        rendered_unbound(CountySummaryForm, today=home.county)
