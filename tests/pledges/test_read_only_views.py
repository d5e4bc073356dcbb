"""READ-only users (county officers, national readers) see a published pledge as the
public page shows it plus statuses and counts: nothing ``councils/access.py`` calls
internal — no responsible persons, no priority problems or their lägesbild, no goals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges.models import Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

PLANTED = ("Hemlig Person", "Hemligt problem", "Intern lägesbild", "Internt mål", "Intern Kontakt")


@pytest.fixture
def published(home, owner):
    picture = f.SituationalPictureFactory(municipality=home, title="Intern lägesbild")
    problem = f.PriorityProblemFactory(picture=picture, title="Hemligt problem")
    agreement = f.AgreementFactory(municipality=home)
    goal = f.GoalFactory(agreement=agreement, text="Internt mål")
    pledge = f.PledgeFactory(municipality=home, agreement=agreement, title="Trygg stad")
    pledge.problems.add(problem)
    f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        responsible_name="Hemlig Person",
        problem=problem,
        goal=goal,
    )
    contact = f.UserFactory(username="intern.kontakt", first_name="Intern", last_name="Kontakt")
    f.ActivityFactory(pledge=pledge, title="Nattvandring", responsible_user=contact)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.PUBLISHED)
    return pledge


@pytest.mark.parametrize("reader", ["county_officer", "national_reader"])
def test_read_only_users_see_no_internal_value_on_the_pledge_page(
    request, client_of, published, reader
):
    page = client_of(request.getfixturevalue(reader)).get(
        reverse("pledge-detail", args=[published.pk])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Trygghetsvandring" in body and "Nattvandring" in body
    shown = [value for value in PLANTED if value in body]
    assert shown == [], f"internal values shown to a {reader}: {shown}"


def test_the_municipality_still_sees_them(client_of, owner, published):
    body = client_of(owner).get(reverse("pledge-detail", args=[published.pk])).content.decode()
    for value in ("Hemlig Person", "Hemligt problem", "Intern lägesbild", "Internt mål"):
        assert value in body
