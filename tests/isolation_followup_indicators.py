"""Isolation cases of followup/views/indicators.py (imported by tests/isolation.py)."""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _indicator_with_a_home_value(cast) -> dict:
    value = f.IndicatorValueFactory(municipality=cast.home, area="Hemby centrum", year=2024)
    return {"pk": value.indicator.pk}


def _staff(cast) -> dict:
    """The import is for staff only: the case's viewer is a staff user made here; the
    outsider (not staff) gets 404."""
    cast.staff = f.UserFactory(username="staff", is_staff=True)
    return {}


def _goal(cast) -> dict:
    goal = f.GoalFactory(agreement=f.AgreementFactory(municipality=cast.home))
    return {"pk": goal.pk}


# The definitions are not secret; the values of others' municipalities are.
register("indicator-list", Case(Kind.LOGIN))
register(
    "indicator-detail",
    Case(
        Kind.LOGIN,
        build=_indicator_with_a_home_value,
        hidden=lambda cast: [cast.home.name, "Hemby centrum"],
    ),
)
register("indicator-import", Case(Kind.OBJECT, build=_staff, viewer="staff"))
register("goal-indicator", Case(Kind.OBJECT, build=_goal))
