"""Optimistic concurrency on the council pages, with two browsers at once: the second
save of a stale form shows the other person's values beside one's own, and overwrites
nothing; saving again, deliberately, succeeds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from councils.models import CouncilMember, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_coordinator(home_org):
    user = f.UserFactory(username="second", first_name="Bertil", last_name="Berg")
    f.MembershipFactory(user=user, organisation=home_org, role=Role.COORDINATOR)
    return user


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(client: Client, url: str) -> dict[str, str]:
    """The form as the browser would post it back, unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def test_two_coordinators_edit_the_same_council(owner, second_coordinator, home):
    council = f.CouncilFactory(municipality=home, name="Trygghetsrådet", mandate="Gammalt mandat")
    url = reverse("council-edit", args=[council.pk])
    anna, bertil = _browser(owner), _browser(second_coordinator)

    form_a = _open(anna, url)
    form_b = _open(bertil, url)
    assert form_a["version"] == form_b["version"] == "1"

    saved = anna.post(url, form_a | {"mandate": "Annas mandat"})
    assert saved.status_code == 302

    stale = bertil.post(url, form_b | {"mandate": "Bertils mandat"})
    assert stale.status_code == 409
    council.refresh_from_db()
    assert (council.mandate, council.version) == ("Annas mandat", 2)  # nothing overwritten

    rows = stale.context["conflict"]
    assert [(theirs, mine) for _label, theirs, mine in rows] == [("Annas mandat", "Bertils mandat")]
    body = stale.content.decode()
    assert 'class="conflict__table"' in body
    assert "Annas mandat" in body
    assert "Bertils mandat" in body
    assert str(owner) in body  # who saved in between
    # the form keeps Bertil's text and now carries the stored version
    assert stale.context["form"]["mandate"].value() == "Bertils mandat"
    assert stale.context["form"]["version"].value() == "2"

    again = bertil.post(url, {**form_b, "mandate": "Bertils mandat", "version": "2"})
    assert again.status_code == 302
    council.refresh_from_db()
    assert (council.mandate, council.version) == ("Bertils mandat", 3)
    assert [h.history_user for h in council.history.order_by("history_id")][-2:] == [
        owner,
        second_coordinator,
    ]


def test_resubmitting_the_rebased_form_as_rendered_succeeds(owner, second_coordinator, home):
    council = f.CouncilFactory(municipality=home, name="Rådet")
    member = f.CouncilMemberFactory(council=council, person_name="Cecilia", role="member")
    url = reverse("council-member-edit", args=[member.pk])
    anna, bertil = _browser(owner), _browser(second_coordinator)
    form_a, form_b = _open(anna, url), _open(bertil, url)

    assert anna.post(url, form_a | {"role": CouncilMember.Role.CHAIR}).status_code == 302
    stale = bertil.post(url, form_b | {"role": CouncilMember.Role.SECRETARY})
    assert stale.status_code == 409
    member.refresh_from_db()
    assert member.role == CouncilMember.Role.CHAIR

    # post back exactly what the 409 page rendered
    rendered = stale.context["form"]
    resubmit = {name: rendered[name].value() or "" for name in rendered.fields}
    assert bertil.post(url, resubmit).status_code == 302
    member.refresh_from_db()
    assert (member.role, member.version) == (CouncilMember.Role.SECRETARY, 3)


def test_a_stale_delete_is_refused(owner, second_coordinator, home):
    council = f.CouncilFactory(municipality=home)
    member = f.CouncilMemberFactory(council=council)
    anna, bertil = _browser(owner), _browser(second_coordinator)
    delete_url = reverse("council-member-delete", args=[member.pk])
    assert bertil.get(delete_url).status_code == 200
    edit_url = reverse("council-member-edit", args=[member.pk])
    assert anna.post(edit_url, _open(anna, edit_url) | {"person_name": "Nytt"}).status_code == 302

    response = bertil.post(delete_url, {"version": "1"})
    assert response.status_code == 409
    assert CouncilMember.objects.filter(pk=member.pk).exists()
    assert bertil.post(delete_url, {"version": "2"}).status_code == 302
    assert not CouncilMember.objects.filter(pk=member.pk).exists()


def test_two_coordinators_name_the_coordination_function_at_once(owner, second_coordinator, home):
    url = reverse("coordination-function-edit", args=[home.code])
    anna, bertil = _browser(owner), _browser(second_coordinator)
    form_a, form_b = _open(anna, url), _open(bertil, url)
    values = {"contact_email": "t@example.se", "since": "2023-07-01"}
    assert anna.post(url, form_a | values | {"name": "Trygghetsenheten"}).status_code == 302
    stale = bertil.post(url, form_b | values | {"name": "Säkerhetsavdelningen"})
    assert stale.status_code == 409
    assert home.coordination_function.name == "Trygghetsenheten"
    assert ("Trygghetsenheten", "Säkerhetsavdelningen") in [
        (theirs, mine) for _label, theirs, mine in stale.context["conflict"]
    ]
