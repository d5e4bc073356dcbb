"""The coordinator's pledge editor: who sees what, rows swapped in place with htmx and
the same as plain forms, delete and undo, reorder, sections, dialogues, conflicts,
lifecycle buttons, escaping, history and query counts.

Wording is checked with the interface in English (the language cookie), so that the
tests hold whatever the Swedish catalogue says.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
S = Pledge.Status


def detail(pledge) -> str:
    return reverse("pledge-detail", args=[pledge.pk])


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def row_data(activity: Activity, prefix: str | None = None, **changes) -> dict:
    """The edit form of ``activity`` as the browser posts it, with ``changes``."""
    prefix = prefix or f"activity-{activity.pk}"
    data = {
        "title": activity.title,
        "description": activity.description,
        "type": activity.type,
        "status": activity.status,
        "responsible_party": activity.responsible_party,
        "partner_name": activity.partner_name,
        "responsible_user": activity.responsible_user_id or "",
        "responsible_name": activity.responsible_name,
        "responsible_email": activity.responsible_email,
        "start_date": activity.start_date.isoformat() if activity.start_date else "",
        "end_date": activity.end_date.isoformat() if activity.end_date else "",
        "recurrence": activity.recurrence,
        "problem": activity.problem_id or "",
        "goal": activity.goal_id or "",
        "action_plan": activity.action_plan_id or "",
        "decision": activity.decision_id or "",
        "themes": [t.pk for t in activity.themes.all()] if activity.pk else [],
        "cadence": activity.cadence,
        "next_follow_up": "",
        "version": activity.version if activity.pk else "",
    }
    data.update(changes)
    return {f"{prefix}-{name}": value for name, value in data.items()}


def new_row(pledge, **values) -> dict:
    data = {
        "title": "Nattvandring",
        "description": "Vuxna vandrar i centrum fredagskvällar.",
        "type": "social",
        "status": "planned",
        "responsible_party": "joint",
        "recurrence": "Varje fredag",
        "cadence": "tertial",
        **values,
    }
    return {f"activity-new-{name}": value for name, value in data.items()}


def basics(pledge, **changes) -> dict:
    data = {
        "title": pledge.title,
        "period_start": pledge.period_start.isoformat(),
        "period_end": pledge.period_end.isoformat(),
        "area": pledge.area,
        "vulnerable_area": "",
        "agreement": "",
        "version": pledge.version,
    }
    data.update(changes)
    return data


def publish(pledge) -> Pledge:
    Pledge.objects.filter(pk=pledge.pk).update(status=S.PUBLISHED, published_at=timezone.now())
    pledge.refresh_from_db()
    return pledge


@pytest.fixture
def problem(home):
    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    return f.PriorityProblemFactory(picture=picture, title="Otrygghet vid resecentrum")


@pytest.fixture
def foreign_problem(away):
    return f.PriorityProblemFactory(
        picture=f.SituationalPictureFactory(municipality=away), title="Bortbys problem"
    )


@pytest.fixture
def second_coordinator(home_org):
    user = f.UserFactory(username="kollega")
    f.MembershipFactory(user=user, organisation=home_org, role="coordinator")
    return user


# --- who sees what -----------------------------------------------------------------


def test_the_owner_gets_the_editor(client_of, owner, pledge, activities):
    body = client_of(owner).get(detail(pledge)).content.decode()
    assert reverse("activity-edit", args=[activities[0].pk]) in body
    assert reverse("activity-create", args=[pledge.pk]) in body
    assert reverse("pledge-section", args=[pledge.pk, "basics"]) in body
    assert reverse("pledge-submit", args=[pledge.pk]) in body
    assert reverse("pledge-export", args=[pledge.pk, "xlsx"]) in body
    assert reverse("pledge-import", args=[pledge.pk]) in body


@pytest.mark.parametrize("reader", ["colleague", "liaison"])
def test_readers_see_the_draft_but_cannot_edit(request, client_of, reader, pledge, activities):
    client = client_of(request.getfixturevalue(reader))
    response = client.get(detail(pledge))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trygghetsvandring" in body
    assert reverse("activity-edit", args=[activities[0].pk]) not in body
    assert reverse("pledge-submit", args=[pledge.pk]) not in body
    assert reverse("record-history", args=["pledges.pledge", pledge.pk]) in body
    assert client.get(reverse("pledge-export", args=[pledge.pk, "csv"])).status_code == 200
    edit_urls = [
        reverse("pledge-section", args=[pledge.pk, "basics"]),
        reverse("activity-create", args=[pledge.pk]),
        reverse("activity-edit", args=[activities[0].pk]),
        reverse("activity-delete", args=[activities[0].pk]),
        reverse("dialogue-create", args=[pledge.pk]),
        reverse("pledge-import", args=[pledge.pk]),
    ]
    for url in edit_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    for url in [
        reverse("activity-restore", args=[activities[0].pk]),
        reverse("activity-move", args=[activities[0].pk]),
        reverse("pledge-submit", args=[pledge.pk]),
        reverse("pledge-renew", args=[pledge.pk]),
    ]:
        assert client.post(url, {"direction": "up"}).status_code == 404, url
    assert Pledge.objects.get(pk=pledge.pk).status == S.DRAFT


def test_county_officers_read_published_pledges_only(client_of, county_officer, pledge, home):
    client = client_of(county_officer)
    assert client.get(detail(pledge)).status_code == 404
    listing = client.get(reverse("pledge-list", args=[home.code])).content.decode()
    assert pledge.title not in listing
    published = publish(f.PledgeFactory(municipality=home, title="Publicerat löfte"))
    assert client.get(detail(published)).status_code == 200
    listing = client.get(reverse("pledge-list", args=[home.code])).content.decode()
    assert "Publicerat löfte" in listing
    body = client.get(detail(published)).content.decode()
    assert 'id="comments"' not in body  # internal comments are not theirs
    assert client.get(reverse("pledge-export", args=[published.pk, "csv"])).status_code == 404


def test_outsiders_get_404_everywhere(client_of, outsider, pledge, activities, home):
    client = client_of(outsider)
    publish(pledge)
    for url in [
        detail(pledge),
        reverse("pledge-list", args=[home.code]),
        reverse("activity-row", args=[activities[0].pk]),
        reverse("pledge-export", args=[pledge.pk, "xlsx"]),
    ]:
        assert client.get(url, headers=HTMX).status_code == 404, url


def test_the_list_shows_every_pledge_with_its_status_to_the_municipality(
    client_of, owner, colleague, pledge, activities, home
):
    body = english(client_of(colleague)).get(reverse("pledge-list", args=[home.code]))
    text = body.content.decode()
    assert pledge.title in text and "Draft" in text
    assert reverse("pledge-create", args=[home.code]) not in text  # readers do not create


def test_creating_a_pledge(client_of, owner, home):
    client = client_of(owner)
    url = reverse("pledge-create", args=[home.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Löfte 2027", "period_start": "2027-01-01", "period_end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    assert not Pledge.objects.exists()
    response = client.post(
        url, {"title": "Löfte 2027", "period_start": "2027-01-01", "period_end": "2027-12-31"}
    )
    pledge = Pledge.objects.get()
    assert response["Location"] == detail(pledge)
    assert pledge.status == S.DRAFT and pledge.municipality == home


# --- rows with htmx ------------------------------------------------------------------


def test_a_row_is_edited_in_place(client_of, owner, pledge, activities):
    client = client_of(owner)
    first = activities[0]
    form = client.get(reverse("activity-edit", args=[first.pk]), headers=HTMX)
    body = form.content.decode()
    assert form.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith(f'<tr id="activity-{first.pk}"')
    assert 'hx-swap="outerHTML"' in body and f'hx-target="#activity-{first.pk}"' in body

    saved = client.post(
        reverse("activity-edit", args=[first.pk]),
        row_data(first, title="Trygghetsvandring i centrum"),
        headers=HTMX,
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "<html" not in body
    assert f'<tr id="activity-{first.pk}"' in body
    assert f'id="activity-{activities[1].pk}"' not in body  # only this row swaps
    assert "Trygghetsvandring i centrum" in body
    first.refresh_from_db()
    assert first.title == "Trygghetsvandring i centrum"
    assert first.version == 2

    cancel = client.get(reverse("activity-row", args=[first.pk]), headers=HTMX)
    assert "<html" not in cancel.content.decode()
    assert "<form" not in cancel.content.decode().split("move-buttons")[0]


def test_invalid_row_input_answers_400_with_the_error_summary_in_the_row(
    client_of, owner, pledge, activities
):
    first = activities[0]
    response = client_of(owner).post(
        reverse("activity-edit", args=[first.pk]),
        row_data(first, title="", end_date="2026-01-01", responsible_party="partner"),
        headers=HTMX,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith(f'<tr id="activity-{first.pk}"')
    assert "data-error-summary" in body
    for field in ("title", "end_date", "partner_name"):
        assert f'href="#id_activity-{first.pk}-{field}"' in body
    first.refresh_from_db()
    assert first.title == "Trygghetsvandring"


def test_a_row_is_added_at_the_end(client_of, owner, pledge, activities, themes):
    client = client_of(owner)
    url = reverse("activity-create", args=[pledge.pk])
    form = client.get(url, headers=HTMX).content.decode()
    assert form.strip().startswith('<tr id="activity-new"')
    assert "<html" not in form
    assert client.get(url + "?cancel=1", headers=HTMX).content == b""

    response = client.post(url, new_row(pledge, themes=[themes[0].pk]), headers=HTMX)
    assert response.status_code == 200
    created = pledge.activities.get(title="Nattvandring")
    body = response.content.decode()
    assert body.strip().startswith(f'<tr id="activity-{created.pk}"')
    assert "<html" not in body
    # the submit panel comes out of band, in a template so that its form survives parsing
    assert re.search(r'<template>\s*<section id="submit-panel"[^>]*hx-swap-oob="true"', body)
    assert created.order > activities[1].order
    assert list(created.themes.all()) == [themes[0]]


def test_delete_asks_first_then_offers_an_undo(client_of, owner, pledge, activities, themes):
    client = english(client_of(owner))
    second = activities[1]
    confirm = client.get(reverse("activity-delete", args=[second.pk]), headers=HTMX)
    body = confirm.content.decode()
    assert "<html" not in body and f'<tr id="activity-{second.pk}"' in body
    assert reverse("activity-row", args=[second.pk]) in body  # "No, keep it"
    assert Activity.objects.get(pk=second.pk).deleted_at is None

    deleted = client.post(
        reverse("activity-delete", args=[second.pk]), {"version": second.version}, headers=HTMX
    )
    body = deleted.content.decode()
    assert "<html" not in body
    assert "has been removed" in body
    assert reverse("activity-restore", args=[second.pk]) in body
    # the submit panel says, out of band, which theme is now missing
    assert "Avhopparverksamhet" in body.split('id="submit-panel"')[1]
    assert Activity.objects.get(pk=second.pk).deleted_at is not None

    restored = client.post(reverse("activity-restore", args=[second.pk]), headers=HTMX)
    body = restored.content.decode()
    assert "<html" not in body
    assert f'<tr id="activity-{second.pk}" class="activity">' in body
    assert "Avhopparverksamhet" not in body.split('id="submit-panel"')[1]
    assert Activity.objects.get(pk=second.pk).deleted_at is None


def test_reorder_swaps_the_rows(client_of, owner, pledge, activities):
    client = client_of(owner)
    first, second = activities
    response = client.post(
        reverse("activity-move", args=[second.pk]), {"direction": "up"}, headers=HTMX
    )
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<tbody id="activity-rows">')
    assert body.index(f'id="activity-{second.pk}"') < body.index(f'id="activity-{first.pk}"')
    # the pressed button is gone (the row is first now): focus goes to its other button
    assert re.search(rf'id="activity-{second.pk}-down"\s+autofocus', body)
    ordered = list(pledge.activities.order_by("order").values_list("pk", flat=True))
    assert ordered == [second.pk, first.pk]
    bad = client.post(reverse("activity-move", args=[second.pk]), {"direction": "sideways"})
    assert bad.status_code == 400


# --- the same without JavaScript -----------------------------------------------------


def test_rows_work_as_plain_pages(client_of, owner, pledge, activities):
    client = client_of(owner)
    first = activities[0]
    page = client.get(reverse("activity-edit", args=[first.pk]))
    assert "<html" in page.content.decode()
    assert "hx-post" not in page.content.decode().split("<main")[1]
    response = client.post(reverse("activity-edit", args=[first.pk]), row_data(first, title="Ny"))
    assert response.status_code == 302
    assert response["Location"] == detail(pledge) + f"#activity-{first.pk}"

    assert "<html" in client.get(reverse("activity-create", args=[pledge.pk])).content.decode()
    response = client.post(reverse("activity-create", args=[pledge.pk]), new_row(pledge))
    created = pledge.activities.get(title="Nattvandring")
    assert response["Location"] == detail(pledge) + f"#activity-{created.pk}"

    confirm = client.get(reverse("activity-delete", args=[first.pk]))
    assert "<html" in confirm.content.decode()
    version = Activity.objects.get(pk=first.pk).version
    response = client.post(reverse("activity-delete", args=[first.pk]), {"version": version})
    assert response["Location"] == detail(pledge) + "#deleted-activities"
    page = client.get(detail(pledge)).content.decode()
    assert 'id="deleted-activities"' in page
    assert reverse("activity-restore", args=[first.pk]) in page
    response = client.post(reverse("activity-restore", args=[first.pk]))
    assert response["Location"] == detail(pledge) + f"#activity-{first.pk}"
    assert Activity.objects.get(pk=first.pk).deleted_at is None

    response = client.post(reverse("activity-move", args=[first.pk]), {"direction": "down"})
    assert response["Location"] == detail(pledge) + f"#activity-{first.pk}"
    assert list(pledge.activities.order_by("order").values_list("pk", flat=True))[1] == first.pk

    row = client.get(reverse("activity-row", args=[first.pk]))
    assert row.status_code == 302 and row["Location"].endswith(f"#activity-{first.pk}")


def test_sections_in_place_and_as_pages(client_of, owner, pledge, problem):
    client = client_of(owner)
    url = reverse("pledge-section", args=[pledge.pk, "basics"])
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'id="section-basics"' in form
    saved = client.post(url, basics(pledge, title="Hemby 2026", area="Centrum"), headers=HTMX)
    body = saved.content.decode()
    assert saved.status_code == 200 and "<html" not in body
    assert "Hemby 2026" in body and 'id="section-text"' not in body
    pledge.refresh_from_db()
    assert (pledge.title, pledge.area, pledge.version) == ("Hemby 2026", "Centrum", 2)

    display = client.get(url + "?display=1", headers=HTMX).content.decode()
    assert "<form" not in display and "Hemby 2026" in display

    text_url = reverse("pledge-section", args=[pledge.pk, "text"])
    assert "<html" in client.get(text_url).content.decode()
    response = client.post(text_url, {"public_text": "Vi lovar mer.", "version": pledge.version})
    assert response["Location"] == detail(pledge) + "#section-text"

    problems_url = reverse("pledge-section", args=[pledge.pk, "problems"])
    pledge.refresh_from_db()
    response = client.post(problems_url, {"problems": [problem.pk], "version": pledge.version})
    assert response.status_code == 302
    assert list(pledge.problems.all()) == [problem]
    assert client.get(reverse("pledge-section", args=[pledge.pk, "nope"])).status_code == 404


def test_dialogues_are_added_and_removed(client_of, owner, pledge):
    client = client_of(owner)
    url = reverse("dialogue-create", args=[pledge.pk])
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'id="dialogues"' in form
    bad = client.post(url, {"dialogue-kind": "citizen", "dialogue-held_on": ""}, headers=HTMX)
    assert bad.status_code == 400 and "data-error-summary" in bad.content.decode()
    response = client.post(
        url,
        {
            "dialogue-kind": "safety_walk",
            "dialogue-held_on": "2025-10-02",
            "dialogue-participants": "30 boende",
            "dialogue-summary": "Mörkt vid tunneln.",
        },
        headers=HTMX,
    )
    assert response.status_code == 200 and "Mörkt vid tunneln." in response.content.decode()
    dialogue = pledge.dialogues.get()
    delete = reverse("dialogue-delete", args=[dialogue.pk])
    assert "<html" not in client.get(delete, headers=HTMX).content.decode()
    assert "<html" in client.get(delete).content.decode()
    response = client.post(delete)
    assert response["Location"] == detail(pledge) + "#dialogues"
    assert not pledge.dialogues.exists()

    response = client.post(
        url, {"dialogue-kind": "survey", "dialogue-held_on": "2025-05-01"}
    )  # without JavaScript
    assert response["Location"] == detail(pledge) + "#dialogues"


# --- conflicts: two people, one record -------------------------------------------


def test_two_clients_on_one_activity_get_a_conflict_not_an_overwrite(
    owner, second_coordinator, pledge, activities
):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(second_coordinator)
    activity = activities[0]
    url = reverse("activity-edit", args=[activity.pk])
    assert first.get(url, headers=HTMX).status_code == 200
    assert second.get(url, headers=HTMX).status_code == 200
    stale = row_data(activity)  # both opened version 1

    ok = first.post(url, {**stale, f"activity-{activity.pk}-title": "Förstas titel"}, headers=HTMX)
    assert ok.status_code == 200
    response = second.post(
        url, {**stale, f"activity-{activity.pk}-title": "Andras titel"}, headers=HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith(f'<tr id="activity-{activity.pk}"')
    assert "conflict__table" in body
    assert "Förstas titel" in body and "Andras titel" in body
    activity.refresh_from_db()
    assert activity.title == "Förstas titel"
    # the form now carries the stored version: saving again is a deliberate choice
    assert f'name="activity-{activity.pk}-version" value="{activity.version}"' in body
    again = second.post(
        url,
        {
            **stale,
            f"activity-{activity.pk}-title": "Andras titel",
            f"activity-{activity.pk}-version": activity.version,
        },
        headers=HTMX,
    )
    assert again.status_code == 200
    activity.refresh_from_db()
    assert activity.title == "Andras titel"


def test_two_clients_on_the_pledge_fields_get_a_conflict(owner, second_coordinator, pledge):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(second_coordinator)
    url = reverse("pledge-section", args=[pledge.pk, "text"])
    data = {"public_text": "", "version": pledge.version}
    assert first.post(url, {**data, "public_text": "Förstas löfte"}).status_code == 302
    response = second.post(url, {**data, "public_text": "Andras löfte"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Förstas löfte" in body and "Andras löfte" in body
    pledge.refresh_from_db()
    assert pledge.public_text == "Förstas löfte"
    htmx = second.post(url, {**data, "public_text": "Andras löfte"}, headers=HTMX)
    assert htmx.status_code == 409 and "<html" not in htmx.content.decode()


# --- tampered input ----------------------------------------------------------------


def test_another_municipalitys_problem_and_a_stale_version_are_refused(
    client_of, owner, pledge, activities, foreign_problem, problem
):
    client = client_of(owner)
    activity = activities[0]
    url = reverse("activity-edit", args=[activity.pk])
    response = client.post(url, row_data(activity, problem=foreign_problem.pk), headers=HTMX)
    assert response.status_code == 400
    assert f'href="#id_activity-{activity.pk}-problem"' in response.content.decode()
    activity.refresh_from_db()
    assert activity.problem_id is None

    response = client.post(url, row_data(activity, problem=problem.pk, version=0), headers=HTMX)
    assert response.status_code == 409
    activity.refresh_from_db()
    assert activity.problem_id is None and activity.version == 1

    other_region_theme = f.RegionalThemeFactory(title="Annan region")
    response = client.post(url, row_data(activity, themes=[other_region_theme.pk]))
    assert response.status_code == 400
    assert not activity.themes.filter(pk=other_region_theme.pk).exists()

    # a pledge of another municipality cannot be reached through a row at all
    foreign = f.ActivityFactory(
        pledge=f.PledgeFactory(municipality=foreign_problem.picture.municipality)
    )
    assert client.post(reverse("activity-edit", args=[foreign.pk]), {}).status_code == 404


# --- lifecycle -----------------------------------------------------------------------


def test_submit_names_the_missing_themes_before_the_button(
    client_of, owner, pledge, activities, themes
):
    activities[1].themes.clear()
    client = english(client_of(owner))
    body = client.get(detail(pledge)).content.decode()
    panel = body.split('id="submit-panel"')[1]
    assert "Avhopparverksamhet" in panel
    assert panel.index("Avhopparverksamhet") < panel.index(
        reverse("pledge-submit", args=[pledge.pk])
    )
    response = client.post(reverse("pledge-submit", args=[pledge.pk]), follow=True)
    assert "Avhopparverksamhet" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT

    activities[1].themes.set([themes[1]])
    response = client.post(reverse("pledge-submit", args=[pledge.pk]))
    assert response["Location"] == detail(pledge)
    pledge.refresh_from_db()
    assert pledge.status == S.IN_REVIEW


def test_a_pledge_in_review_is_read_only(client_of, owner, pledge, activities):
    Pledge.objects.filter(pk=pledge.pk).update(status=S.IN_REVIEW, submitted_at=timezone.now())
    client = client_of(owner)
    body = client.get(detail(pledge)).content.decode()
    assert reverse("activity-edit", args=[activities[0].pk]) not in body
    first = activities[0]
    response = client.post(
        reverse("activity-edit", args=[first.pk]), row_data(first, title="Sent"), headers=HTMX
    )
    assert response.headers["HX-Redirect"] == detail(pledge) + f"#activity-{first.pk}"
    response = client.post(reverse("activity-delete", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.title == "Trygghetsvandring" and first.deleted_at is None


def test_renew_from_the_page_copies_what_was_not_done(client_of, owner, pledge, activities):
    Activity.objects.filter(pk=activities[0].pk).update(status=Activity.Status.DONE)
    Activity.objects.filter(pk=activities[1].pk).update(status=Activity.Status.NOT_DONE)
    f.ActivityFactory(pledge=pledge, title="Inställd", status=Activity.Status.CANCELLED)
    f.ActivityFactory(pledge=pledge, title="Pågår", status=Activity.Status.ONGOING)
    publish(pledge)
    client = english(client_of(owner))
    body = client.get(detail(pledge)).content.decode()
    assert "Create next year&#x27;s pledge" in body or "Create next year's pledge" in body
    response = client.post(reverse("pledge-renew", args=[pledge.pk]))
    renewed = Pledge.objects.get(predecessor=pledge)
    assert response["Location"] == detail(renewed)
    assert renewed.status == S.DRAFT
    assert renewed.period_start == dt.date(2027, 1, 1)
    assert sorted(renewed.activities.values_list("title", "status")) == [
        ("Föräldravandring", "planned"),
        ("Pågår", "ongoing"),
    ]
    # once renewed, the button is gone and a second try is refused
    assert (
        reverse("pledge-renew", args=[pledge.pk]) not in client.get(detail(pledge)).content.decode()
    )
    client.post(reverse("pledge-renew", args=[pledge.pk]))
    assert Pledge.objects.filter(predecessor=pledge).count() == 1


def test_a_published_pledge_changes_through_a_new_version(client_of, owner, pledge, activities):
    publish(pledge)
    client = client_of(owner)
    body = client.get(detail(pledge)).content.decode()
    assert reverse("activity-edit", args=[activities[0].pk]) not in body
    response = client.post(reverse("pledge-new-version", args=[pledge.pk]))
    version = Pledge.objects.get(replaces=pledge)
    assert response["Location"] == detail(version)
    assert version.status == S.DRAFT and version.activities.count() == 2
    assert (
        reverse("activity-create", args=[version.pk])
        in client.get(detail(version)).content.decode()
    )
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED


# --- escaping, history, queries -----------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_script_in_every_text_field_is_shown_escaped(client_of, owner, pledge, activities):
    client = client_of(owner)
    client.post(
        reverse("pledge-section", args=[pledge.pk, "basics"]),
        basics(pledge, title=SCRIPT, area=SCRIPT),
    )
    pledge.refresh_from_db()
    client.post(
        reverse("pledge-section", args=[pledge.pk, "text"]),
        {"public_text": SCRIPT, "version": pledge.version},
    )
    first = activities[0]
    client.post(
        reverse("activity-edit", args=[first.pk]),
        row_data(
            first,
            title=SCRIPT,
            description=SCRIPT,
            responsible_party="partner",
            partner_name=SCRIPT,
            responsible_name=SCRIPT,
            recurrence=SCRIPT,
        ),
    )
    client.post(
        reverse("dialogue-create", args=[pledge.pk]),
        {
            "dialogue-kind": "citizen",
            "dialogue-held_on": "2025-09-01",
            "dialogue-participants": SCRIPT,
            "dialogue-summary": SCRIPT,
        },
    )
    first.refresh_from_db()
    assert first.title == SCRIPT and first.partner_name == SCRIPT
    assert pledge.dialogues.filter(summary=SCRIPT).exists()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    pages = [
        client.get(detail(pledge)),
        client.get(reverse("pledge-list", args=[pledge.municipality.code])),
        client.get(reverse("activity-row", args=[first.pk]), headers=HTMX),
        client.get(reverse("activity-edit", args=[first.pk]), headers=HTMX),
        client.get(reverse("activity-delete", args=[first.pk])),
    ]
    for response in pages:
        body = response.content.decode()
        assert SCRIPT not in body, response.request["PATH_INFO"]
        assert escaped in body, response.request["PATH_INFO"]


def test_changes_leave_history_rows(client_of, owner, pledge, activities, outsider):
    client = client_of(owner)
    first = activities[0]
    client.post(reverse("activity-edit", args=[first.pk]), row_data(first, title="Ändrad"))
    version = Activity.objects.get(pk=first.pk).version
    client.post(reverse("activity-delete", args=[first.pk]), {"version": version})
    client.post(reverse("activity-restore", args=[first.pk]))
    client.post(
        reverse("pledge-section", args=[pledge.pk, "basics"]), basics(pledge, title="Ny titel")
    )
    assert first.history.filter(history_user=owner).count() == 3
    assert pledge.history.filter(history_user=owner).count() == 1
    for label, pk in (("pledges.activity", first.pk), ("pledges.pledge", pledge.pk)):
        url = reverse("record-history", args=[label, pk])
        body = client.get(url).content.decode()
        assert owner.get_full_name() in body and "Hemby kommun" in body
        assert client_of(outsider).get(url).status_code == 404
        client.force_login(owner)
    body = client.get(detail(pledge)).content.decode()
    assert reverse("record-history", args=["pledges.activity", first.pk]) in body


def test_the_editor_page_queries_do_not_grow_with_activities(
    client_of, owner, pledge, activities, themes, home, problem, liaison
):
    goal = f.GoalFactory(agreement=f.AgreementFactory(municipality=home))
    f.DialogueFactory(pledge=pledge)
    services.comment_add(user=liaison, pledge=pledge, text="Förtydliga", activity=activities[0])

    def grow():
        for n in range(58):
            activity = f.ActivityFactory(
                pledge=pledge,
                title=f"Aktivitet {n}",
                problem=problem,
                goal=goal,
                responsible_user=owner,
                deleted_at=timezone.now() if n % 10 == 0 else None,
            )
            activity.themes.set(themes)
            f.DialogueFactory(pledge=pledge)
            services.comment_add(user=liaison, pledge=pledge, text=f"Fråga {n}", activity=activity)
        assert pledge.activities.count() == 60

    assert_constant_queries(client_of(owner), detail(pledge), grow)


def test_the_reader_page_queries_do_not_grow_either(client_of, liaison, pledge, activities, themes):
    def grow():
        for n in range(58):
            f.ActivityFactory(pledge=pledge, title=f"Aktivitet {n}").themes.set(themes)

    assert_constant_queries(client_of(liaison), detail(pledge), grow)
