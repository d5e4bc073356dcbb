"""Two people editing the same lägesbild or problem, and the history of changes.

Each person has a browser of their own (a test client each). The second save on
a stale form answers 409 with both values on the page and overwrites nothing;
after the form has been moved onto the stored version, saving again works.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import PriorityProblem, SituationalPicture
from councils.models import Role
from tests import factories as f
from tests.agreements.test_pictures_views import picture_data, problem_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_owner(home_org):
    """Another coordinator of the same municipality."""
    user = f.UserFactory(username="second_owner", first_name="Sara", last_name="Samordnare")
    f.MembershipFactory(user=user, organisation=home_org, role=Role.COORDINATOR)
    return user


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_values(response) -> dict:
    """What the browser would send back: the form's fields as rendered."""
    form = response.context["form"]
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        values[name] = "on" if value is True else value
    return values


@pytest.fixture
def picture(home):
    return f.SituationalPictureFactory(municipality=home, title="Lägesbild 2025")


def test_two_people_editing_the_lagesbild_get_a_conflict_not_an_overwrite(
    owner, second_owner, picture
):
    url = reverse("picture-edit", args=[picture.pk])
    alice, bob = browser(owner), browser(second_owner)
    alice_form = _form_values(alice.get(url))
    bob_form = _form_values(bob.get(url))
    assert alice_form["version"] == bob_form["version"] == 1

    response = alice.post(url, {**alice_form, "analysis": "Alices analys"})
    assert response.status_code == 302

    response = bob.post(url, {**bob_form, "analysis": "Bobs analys"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Alices analys" in body
    assert "Bobs analys" in body
    [(_label, theirs, mine)] = response.context["conflict"]
    assert (theirs, mine) == ("Alices analys", "Bobs analys")
    assert 'class="error-summary conflict"' in body
    picture.refresh_from_db()
    assert (picture.analysis, picture.version) == ("Alices analys", 2)

    # The form now stands on Alice's version and still holds Bob's text: saving is deliberate.
    rebased = _form_values(response)
    assert rebased["version"] == "2"
    assert rebased["analysis"] == "Bobs analys"
    response = bob.post(url, rebased)
    assert response.status_code == 302
    picture.refresh_from_db()
    assert (picture.analysis, picture.version) == ("Bobs analys", 3)


def test_two_people_editing_a_problem_get_a_conflict_not_an_overwrite(owner, second_owner, picture):
    problem = f.PriorityProblemFactory(picture=picture, title="Otrygghet i centrum", rank=1)
    url = reverse("problem-edit", args=[problem.pk])
    alice, bob = browser(owner), browser(second_owner)
    alice_form = _form_values(alice.get(url))
    bob_form = _form_values(bob.get(url))

    assert alice.post(url, {**alice_form, "place": "Stortorget"}).status_code == 302
    response = bob.post(url, {**bob_form, "place": "Resecentrum", "perspective": "social"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Stortorget" in body
    assert "Resecentrum" in body
    theirs_and_mine = {row[1:] for row in response.context["conflict"]}
    assert ("Stortorget", "Resecentrum") in theirs_and_mine
    problem.refresh_from_db()
    assert (problem.place, problem.perspective, problem.version) == (
        "Stortorget",
        "situational",
        2,
    )

    response = bob.post(url, _form_values(response))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.place, problem.perspective, problem.version) == ("Resecentrum", "social", 3)


def test_a_form_without_a_version_is_treated_as_stale(owner, picture):
    url = reverse("picture-edit", args=[picture.pk])
    response = browser(owner).post(url, picture_data(picture, version="", title="Utan version"))
    assert response.status_code == 409
    picture.refresh_from_db()
    assert picture.title == "Lägesbild 2025"


def test_history_records_who_for_which_organisation_and_what(owner, second_owner, home):
    alice = browser(owner)
    alice.post(reverse("picture-create", args=[home.code]), picture_data(title="Lägesbild 2026"))
    picture = SituationalPicture.objects.get(municipality=home)
    bob = browser(second_owner)
    bob.post(
        reverse("picture-edit", args=[picture.pk]),
        picture_data(picture, mapping="Ny kartläggning"),
    )

    rows = list(picture.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert [r.history_user for r in rows] == [owner, second_owner]
    assert {r.history_organisation for r in rows} == {"Hemby kommun"}
    assert rows[1].mapping == "Ny kartläggning"

    page = alice.get(
        reverse(
            "record-history", kwargs={"label": "agreements.situationalpicture", "pk": picture.pk}
        )
    )
    assert page.status_code == 200
    assert "Hemby kommun" in page.content.decode()


def test_problem_history_and_make_current_are_recorded(owner, home, picture):
    client = browser(owner)
    client.post(reverse("problem-create", args=[picture.pk]), problem_data(title="Bilbränder"))
    problem = PriorityProblem.objects.get(picture=picture)
    client.post(
        reverse("problem-edit", args=[problem.pk]), problem_data(problem, place="Norra delen")
    )
    rows = list(problem.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user, r.history_organisation) for r in rows] == [
        ("+", owner, "Hemby kommun"),
        ("~", owner, "Hemby kommun"),
    ]

    client.post(reverse("picture-make-current", args=[picture.pk]))
    latest = picture.history.first()
    assert (latest.is_current, latest.history_user, latest.history_organisation) == (
        True,
        owner,
        "Hemby kommun",
    )
