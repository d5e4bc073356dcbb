"""Services of the lägesbild, its sources and problems, and the action plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import (
    ActionPlan,
    Agreement,
    PriorityProblem,
    SituationalPicture,
    Source,
)
from councils.concurrency import Conflict
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(home):
    return f.SituationalPictureFactory(municipality=home, title="Lägesbild 2025")


def _ranked(picture) -> list[tuple[str, int]]:
    return list(picture.problems.order_by("rank", "pk").values_list("title", "rank"))


def _new_problem(user, picture, title: str) -> PriorityProblem:
    return services.problem_save(
        user=user,
        problem=PriorityProblem(picture=picture, title=title, perspective="situational"),
    )


# --- situational picture -----------------------------------------------------------


def test_owner_creates_a_lagesbild_at_version_one(owner, home):
    picture = SituationalPicture(
        municipality=home,
        title="Lägesbild 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        is_current=True,
    )
    services.situational_picture_save(user=owner, picture=picture)
    picture.refresh_from_db()
    assert picture.version == 1
    assert picture.is_current


@pytest.mark.parametrize("who", ["colleague", "liaison", "county_officer", "outsider"])
def test_only_the_municipalitys_coordinators_may_save(request, who, picture):
    user = request.getfixturevalue(who)
    picture.title = "Ändrad"
    with pytest.raises(PermissionDenied):
        services.situational_picture_save(user=user, picture=picture, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.situational_picture_make_current(user=user, picture=picture)
    picture.refresh_from_db()
    assert picture.title == "Lägesbild 2025"
    assert not picture.is_current


def test_a_second_current_lagesbild_is_refused_with_a_message_on_is_current(owner, home):
    first = f.SituationalPictureFactory(municipality=home, title="Gällande", is_current=True)
    second = SituationalPicture(
        municipality=home,
        title="Ny",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        is_current=True,
    )
    with pytest.raises(ValidationError) as raised:
        services.situational_picture_save(user=owner, picture=second)
    assert "Gällande" in raised.value.message_dict["is_current"][0]
    assert list(home.situational_pictures.values_list("pk", flat=True)) == [first.pk]


def test_the_database_also_refuses_two_current_lagesbilder(home):
    f.SituationalPictureFactory(municipality=home, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.SituationalPictureFactory(municipality=home, is_current=True)


def test_a_stale_version_raises_conflict_and_keeps_the_stored_values(owner, picture):
    services.situational_picture_save(
        user=owner, picture=_with(picture, title="Först"), expected_version=1
    )
    stale = SituationalPicture.objects.get(pk=picture.pk)
    stale.title = "Sedan"
    with pytest.raises(Conflict) as raised:
        services.situational_picture_save(user=owner, picture=stale, expected_version=1)
    assert raised.value.current.title == "Först"
    assert raised.value.current.version == 2
    assert SituationalPicture.objects.get(pk=picture.pk).title == "Först"


def _with(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def test_make_current_swaps_so_exactly_one_is_current(owner, home):
    old = f.SituationalPictureFactory(municipality=home, title="Gammal", is_current=True)
    new = f.SituationalPictureFactory(municipality=home, title="Ny")
    other_municipality = f.SituationalPictureFactory(is_current=True)

    services.situational_picture_make_current(user=owner, picture=new)

    assert list(home.situational_pictures.filter(is_current=True)) == [new]
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, old.version) == (False, 2)
    assert (new.is_current, new.version) == (True, 2)
    other_municipality.refresh_from_db()
    assert other_municipality.is_current


def test_make_current_of_the_current_one_keeps_one_current(owner, home):
    current = f.SituationalPictureFactory(municipality=home, is_current=True)
    services.situational_picture_make_current(user=owner, picture=current)
    assert list(home.situational_pictures.filter(is_current=True)) == [current]


# --- sources -----------------------------------------------------------------------


def test_sources_are_added_and_removed_by_the_owner_only(owner, colleague, picture):
    source = services.source_save(
        user=owner, source=Source(picture=picture, kind="safety_survey", note="Trygghetsmätning")
    )
    assert list(picture.sources.all()) == [source]
    with pytest.raises(PermissionDenied):
        services.source_delete(user=colleague, source=source)
    services.source_delete(user=owner, source=source)
    assert not picture.sources.exists()


# --- priority problems -------------------------------------------------------------


def test_new_problems_are_ranked_last(owner, picture):
    for title in ("Första", "Andra", "Tredje"):
        _new_problem(owner, picture, title)
    assert _ranked(picture) == [("Första", 1), ("Andra", 2), ("Tredje", 3)]


def test_move_up_and_down_swaps_neighbours_and_stops_at_the_ends(owner, picture):
    first, second, third = (_new_problem(owner, picture, t) for t in ("A", "B", "C"))

    services.problem_move(user=owner, problem=third, direction="up")
    assert _ranked(picture) == [("A", 1), ("C", 2), ("B", 3)]

    services.problem_move(user=owner, problem=first, direction="down")
    assert _ranked(picture) == [("C", 1), ("A", 2), ("B", 3)]

    services.problem_move(user=owner, problem=third, direction="up")
    services.problem_move(user=owner, problem=third, direction="up")  # already first
    assert _ranked(picture) == [("C", 1), ("A", 2), ("B", 3)]

    services.problem_move(user=owner, problem=second, direction="down")  # already last
    assert _ranked(picture) == [("C", 1), ("A", 2), ("B", 3)]


def test_move_repairs_gaps_in_the_ranking_first(owner, picture):
    f.PriorityProblemFactory(picture=picture, title="A", rank=5)
    b = f.PriorityProblemFactory(picture=picture, title="B", rank=9)
    services.problem_move(user=owner, problem=b, direction="up")
    assert _ranked(picture) == [("B", 1), ("A", 2)]


def test_delete_renumbers_the_ranking(owner, picture):
    _first, second, _third = (_new_problem(owner, picture, t) for t in ("A", "B", "C"))
    services.problem_delete(user=owner, problem=second, expected_version=second.version)
    assert _ranked(picture) == [("A", 1), ("C", 2)]


@pytest.mark.parametrize("status", ["awaiting_signature"])
def test_a_problem_in_an_agreement_beyond_draft_stays(owner, home, picture, status):
    problem = _new_problem(owner, picture, "I avtalet")
    agreement = f.AgreementFactory(municipality=home, status=status)
    agreement.problems.add(problem)
    with pytest.raises(ValidationError):
        services.problem_delete(user=owner, problem=problem, expected_version=problem.version)
    assert PriorityProblem.objects.filter(pk=problem.pk).exists()


def test_a_problem_in_a_draft_agreement_can_be_removed(owner, home, picture):
    problem = _new_problem(owner, picture, "I utkastet")
    agreement = f.AgreementFactory(municipality=home, status=Agreement.Status.DRAFT)
    agreement.problems.add(problem)
    services.problem_delete(user=owner, problem=problem, expected_version=problem.version)
    assert not agreement.problems.exists()


def test_a_vulnerable_area_of_another_municipality_is_refused(owner, picture, away):
    area = f.VulnerableAreaFactory(municipality=away)
    problem = PriorityProblem(
        picture=picture, title="Fel område", perspective="social", vulnerable_area=area
    )
    with pytest.raises(ValidationError) as raised:
        services.problem_save(user=owner, problem=problem)
    assert "vulnerable_area" in raised.value.message_dict
    assert not picture.problems.exists()


@pytest.mark.parametrize("who", ["colleague", "liaison", "outsider"])
def test_others_may_not_move_or_remove_problems(request, who, owner, picture):
    problem = _new_problem(owner, picture, "A")
    _new_problem(owner, picture, "B")
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.problem_move(user=user, problem=problem, direction="down")
    with pytest.raises(PermissionDenied):
        services.problem_delete(user=user, problem=problem, expected_version=problem.version)
    assert _ranked(picture) == [("A", 1), ("B", 2)]


# --- action plan -------------------------------------------------------------------


def test_action_plan_links_the_problems_it_answers(owner, home, picture):
    problem = _new_problem(owner, picture, "Otrygghet i centrum")
    plan = ActionPlan(
        municipality=home,
        picture=picture,
        title="Åtgärdsplan 2026",
        decided_by="Kommunstyrelsen",
        decided_on=dt.date(2026, 1, 15),
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    services.action_plan_save(user=owner, plan=plan, problems=[problem])
    assert list(plan.problems.all()) == [problem]
    assert plan.valid_on(dt.date(2026, 6, 1))
    assert not plan.valid_on(dt.date(2028, 1, 1))


def test_action_plan_on_another_municipalitys_lagesbild_is_refused(owner, home):
    foreign = f.SituationalPictureFactory()
    plan = f.ActionPlanFactory.build(municipality=home, picture=foreign)
    with pytest.raises(ValidationError):
        services.action_plan_save(user=owner, plan=plan)
    assert not ActionPlan.objects.exists()
