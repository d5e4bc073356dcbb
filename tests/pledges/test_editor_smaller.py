"""The editor, smaller things (issue 14): the rows beside an added or removed one get
their move buttons right away; an activity shows its open comments; "Från" says what is
required; each signer lands on their own page; "Granskning" only for reviewers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from councils import dates
from pledges import services
from pledges.models import Activity, Pledge
from tests.pledges.test_editor_views import new_row

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def down_button(activity) -> str:
    return f'id="activity-{activity.pk}-down"'


def test_adding_a_row_with_htmx_gives_the_former_last_row_its_move_down_button(
    client_of, owner, pledge, activities
):
    _first, last = activities
    response = client_of(owner).post(
        reverse("activity-create", args=[pledge.pk]), new_row(pledge), headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    new = Activity.objects.get(title="Nattvandring")
    # the new row, and the one before it swapped out of band with "move down" now
    assert f'<tr id="activity-{new.pk}"' in body
    oob = rf'<template>\s*<tr id="activity-{last.pk}" class="activity" hx-swap-oob="true">'
    assert re.search(oob, body)
    assert down_button(last) in body
    assert down_button(new) not in body  # the new one is last


def test_removing_the_last_row_with_htmx_takes_move_down_from_the_one_before(
    client_of, owner, pledge, activities
):
    first, last = activities
    response = client_of(owner).post(
        reverse("activity-delete", args=[last.pk]), {"version": last.version}, headers=HTMX
    )
    body = response.content.decode()
    assert f'id="activity-{first.pk}"' in body and 'hx-swap-oob="true"' in body
    assert down_button(first) not in body  # now the last row


def test_an_activity_row_shows_its_open_comments_with_a_link(
    client_of, owner, liaison, pledge, activities
):
    first, second = activities
    services.pledge_submit(user=owner, pledge=pledge)
    services.comment_add(user=liaison, pledge=pledge, text="Vilken sträcka?", activity=first)
    services.comment_add(user=liaison, pledge=pledge, text="Vilka kvällar?", activity=first)
    done = services.comment_add(user=liaison, pledge=pledge, text="Klart.", activity=second)
    services.comment_resolve(user=liaison, comment=done)
    body = client_of(owner).get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert f"#comments-activity-{first.pk}" in body
    assert "2 öppna kommentarer" in body
    assert f'href="/pledges/{pledge.pk}/#comments-activity-{second.pk}"' not in body
    assert f'id="comments-activity-{first.pk}"' in body  # where the link goes


def test_the_start_date_label_says_what_is_really_required(client_of, owner, pledge):
    body = client_of(owner).get(reverse("activity-create", args=[pledge.pk])).content.decode()
    assert "(detta eller hur ofta krävs)" in body
    assert "(detta eller ett startdatum krävs)" in body


def test_the_coordinator_lands_on_their_own_page_after_signing(
    client_of, owner, liaison, pledge, activities
):
    services.pledge_submit(user=owner, pledge=pledge)
    services.pledge_approve(user=liaison, pledge=pledge)
    response = client_of(owner).post(
        reverse("pledge-sign", args=[pledge.pk, "municipality"]),
        {"name": "Karin Lind", "title": "KSO", "signed_on": dates.today().isoformat()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("pledge-detail", args=[pledge.pk]) + (
        "#signing"
    )
    assert "Nu ska polisen skriva under" in response.content.decode()


def test_the_police_land_on_their_review_page_with_words_that_fit(
    client_of, owner, liaison, pledge, activities
):
    services.pledge_submit(user=owner, pledge=pledge)
    response = client_of(liaison).post(
        reverse("pledge-approve", args=[pledge.pk]), {"message": ""}, follow=True
    )
    body = response.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).status == Pledge.Status.APPROVED
    assert "Löftet är godkänt. Skriv under för polisen nedan" in body
    assert "Det kan bara godkännas eller skickas tillbaka" not in body
    signed = client_of(liaison).post(
        reverse("pledge-sign", args=[pledge.pk, "police"]),
        {"name": "Johan Berg", "title": "LPO-chef", "signed_on": dates.today().isoformat()},
    )
    assert signed["Location"] == reverse("pledge-review", args=[pledge.pk]) + "#signing"


def test_review_is_in_the_navigation_only_for_those_who_review(
    client_of, owner, liaison, county_officer
):
    for user, shown in ((owner, False), (county_officer, False), (liaison, True)):
        body = client_of(user).get(reverse("my-organisations")).content.decode()
        assert ('href="/review/"' in body) is shown, user
