"""The follow-up of a whole plan in one form: every row saved together or none, each row
at the version the user saw, rights as for one entry, and the public status moved only
by published rows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councils.models import Role
from followup import services
from followup.models import FollowUp
from followup.services import PlanEntry, RowsConflict
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.queries import assert_constant_queries

A = Activity.Status
P = Activity.Party
FIRST = "2026-01-01/2026-04-30"  # the tertial that ended last, on the frozen day


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def colleague_coordinator(home_org):
    user = f.UserFactory(username="colleague_coordinator")
    f.MembershipFactory(user=user, organisation=home_org, role=Role.COORDINATOR)
    return user


@pytest.fixture
def pledge(home):
    return f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _activity(pledge, title, party, order):
    return f.ActivityFactory(
        pledge=pledge,
        title=title,
        responsible_party=party,
        cadence=Activity.Cadence.TERTIAL,
        next_follow_up=dt.date(2026, 4, 30),
        order=order,
    )


@pytest.fixture
def walk(pledge):
    return _activity(pledge, "Trygghetsvandring", P.MUNICIPALITY, 1)


@pytest.fixture
def patrol(pledge):
    return _activity(pledge, "Polisens fotpatrull", P.POLICE, 2)


@pytest.fixture
def cafe(pledge):
    return _activity(pledge, "Föräldravandring", P.JOINT, 3)


def url(pledge, period: str | None = None) -> str:
    base = reverse("plan-follow-up", args=[pledge.pk])
    return f"{base}?period={period}" if period else base


def filled(response, **rows) -> dict:
    """The POST body of the page as the user sends it: every form row at its initial
    values (the version seen among them), with ``rows[title]`` changes on top."""
    context = response.context
    data = {"period": context["period_key"]}
    for form in context["forms"]:
        data.setdefault("row", []).append(str(form.activity.pk))
        values = {
            "status": form.initial["status"],
            "progress": form.initial["progress"],
            "done": f"Gjort: {form.activity.title}",
            "effect": "",
            "obstacles": "",
            "version": form.initial["version"],
        }
        values.update(rows.get(form.activity.title, {}))
        for name, value in values.items():
            if name == "published" and not value:
                continue
            data[form.add_prefix(name)] = value
    return data


# --- the page ------------------------------------------------------------------------


def test_the_page_proposes_the_period_due_with_a_row_per_activity(
    client_of, owner, pledge, walk, patrol, cafe
):
    response = client_of(owner).get(url(pledge))
    assert response.status_code == 200
    assert response.context["period"] == (dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    choices = [value for value, _ in response.context["period_form"].fields["period"].choices]
    assert choices == [FIRST, "2026-05-01/2026-08-31"]
    assert [form.activity for form in response.context["forms"]] == [walk, patrol, cafe]
    body = response.content.decode()
    assert "Följ upp hela planen" in body
    assert f'name="a{walk.pk}-done"' in body and f'name="a{patrol.pk}-version"' in body


def test_another_period_is_chosen_and_a_wrong_one_is_refused(client_of, owner, pledge, walk):
    client = client_of(owner)
    response = client.get(url(pledge, "2026-05-01/2026-08-31"))
    assert response.context["period"] == (dt.date(2026, 5, 1), dt.date(2026, 8, 31))
    response = client.get(url(pledge, "2027-01-01/2027-04-30"))
    assert response.status_code == 200
    assert response.context["period"] == (dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert response.context["period_form"].errors["period"]
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_a_row_followed_up_for_the_period_is_shown_not_asked_again(
    client_of, owner, pledge, walk, patrol
):
    f.FollowUpFactory(activity=walk, done="Tre vandringar i april.", reported_by=owner)
    response = client_of(owner).get(url(pledge))
    assert [form.activity for form in response.context["forms"]] == [patrol]
    body = response.content.decode()
    assert "Tre vandringar i april." in body
    assert f'name="a{walk.pk}-done"' not in body


def test_the_follow_up_page_and_the_editor_link_to_it(client_of, owner, liaison, pledge, walk):
    plan = url(pledge)
    assert plan in client_of(owner).get(reverse("pledge-follow-up", args=[pledge.pk])).text
    assert plan in client_of(owner).get(reverse("pledge-detail", args=[pledge.pk])).text
    assert plan in client_of(liaison).get(reverse("pledge-detail", args=[pledge.pk])).text


# --- saving -------------------------------------------------------------------------


def test_every_row_is_saved_together(client_of, owner, pledge, walk, patrol, cafe):
    client = client_of(owner)
    data = filled(
        client.get(url(pledge)),
        Trygghetsvandring={"status": A.ONGOING, "progress": "50", "published": "on"},
        **{"Polisens fotpatrull": {"status": A.DONE, "progress": "100"}},
    )
    response = client.post(url(pledge), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pledge-follow-up", args=[pledge.pk])
    assert "3 uppföljningar för 2026-01-01–2026-04-30 har sparats." in response.text
    entries = {e.activity_id: e for e in FollowUp.objects.all()}
    assert set(entries) == {walk.pk, patrol.pk, cafe.pk}
    assert entries[walk.pk].progress == 50 and entries[walk.pk].published
    assert entries[patrol.pk].status == A.DONE and not entries[patrol.pk].published
    assert entries[cafe.pk].done == "Gjort: Föräldravandring"
    for entry in entries.values():
        assert (entry.period_start, entry.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 30))
        assert entry.reported_by == owner
    walk.refresh_from_db()
    assert walk.status == A.ONGOING and walk.next_follow_up == dt.date(2026, 8, 31)


def test_one_invalid_row_saves_none_and_shows_the_error_on_that_row(
    client_of, owner, pledge, walk, patrol, cafe
):
    client = client_of(owner)
    data = filled(client.get(url(pledge)), **{"Polisens fotpatrull": {"progress": "140"}})
    response = client.post(url(pledge), data)
    assert response.status_code == 400
    assert not FollowUp.objects.exists()
    forms = {form.activity: form for form in response.context["forms"]}
    assert forms[patrol].errors["progress"]
    assert not forms[walk].errors and not forms[cafe].errors
    body = response.text
    assert "Det finns ett problem" in body
    field_id = f"id_a{patrol.pk}-progress"
    assert f'href="#{field_id}"' in body  # the summary links to the field
    row = body.split(f'id="plan-row-{patrol.pk}"')[1].split("</tr>")[0]
    assert f'id="{field_id}_error"' in row and "100" in row  # the error, in Swedish, at it
    assert "Gjort: Trygghetsvandring" in body  # what was typed in the other rows is kept
    walk.refresh_from_db()
    assert walk.status == A.PLANNED and walk.next_follow_up == dt.date(2026, 4, 30)


def test_a_stale_row_is_a_conflict_and_nothing_is_saved(
    client_of, owner, colleague_coordinator, pledge, walk, patrol
):
    client = client_of(owner)
    data = filled(client.get(url(pledge)))
    patrol.title = "Polisens fotpatrull, kvällstid"  # someone edits the activity meanwhile
    patrol.version += 1
    patrol.save()
    response = client.post(url(pledge), data)
    assert response.status_code == 409
    assert not FollowUp.objects.exists()
    changed = [row.activity for row in response.context["conflict_rows"]]
    assert changed == [patrol]
    assert "Någon annan sparade ändringar" in response.text
    forms = {form.activity: form for form in response.context["forms"]}
    assert forms[patrol].data[f"a{patrol.pk}-version"] == str(patrol.version)  # rebased
    # saving again, at the version now shown, is a deliberate choice and saves both
    again = {**data, f"a{patrol.pk}-version": str(patrol.version)}
    assert client.post(url(pledge), again).status_code == 302
    assert FollowUp.objects.count() == 2


def test_a_row_followed_up_by_someone_else_meanwhile_is_a_conflict(
    client_of, owner, colleague_coordinator, pledge, walk, patrol
):
    client = client_of(owner)
    data = filled(client.get(url(pledge)), Trygghetsvandring={"done": "Mitt utkast."})
    services.follow_up_record(
        user=colleague_coordinator,
        activity=walk,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 4, 30),
        status=A.DONE,
        progress=100,
    )
    response = client.post(url(pledge), data)
    assert response.status_code == 409
    assert FollowUp.objects.count() == 1  # only the other person's
    assert [row.activity for row in response.context["conflict_rows"]] == [walk]
    assert "Mitt utkast." in response.text  # what the user typed is shown, not lost


def test_a_row_added_since_the_page_was_opened_is_a_conflict(client_of, owner, pledge, walk):
    client = client_of(owner)
    data = filled(client.get(url(pledge)))
    added = _activity(pledge, "Ny aktivitet", P.MUNICIPALITY, 9)
    response = client.post(url(pledge), data)
    assert response.status_code == 409
    assert [row.activity for row in response.context["conflict_rows"]] == [added]
    assert not FollowUp.objects.exists()


def test_the_service_refuses_a_stale_version_under_its_lock(owner, pledge, walk, patrol):
    rows = [
        PlanEntry(activity=walk, version=walk.version, values={"status": A.DONE, "progress": 1}),
        PlanEntry(activity=patrol, version=patrol.version - 1, values={"status": A.DONE}),
    ]
    with pytest.raises(RowsConflict) as conflict:
        services.follow_up_record_plan(
            user=owner,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 4, 30),
            rows=rows,
        )
    assert [a.pk for a in conflict.value.current] == [patrol.pk]
    assert not FollowUp.objects.exists()


def test_the_service_rolls_back_every_row_when_one_is_refused(owner, pledge, walk, patrol):
    values = {"status": A.DONE, "progress": 100}
    rows = [
        PlanEntry(activity=walk, version=walk.version, values=values),
        PlanEntry(activity=patrol, version=patrol.version, values={**values, "status": "x"}),
    ]
    with pytest.raises(services.RowsInvalid) as invalid:
        services.follow_up_record_plan(
            user=owner,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 4, 30),
            rows=rows,
        )
    assert list(invalid.value.errors) == [patrol.pk]
    assert isinstance(invalid.value.errors[patrol.pk], ValidationError)
    assert not FollowUp.objects.exists()
    walk.refresh_from_db()
    assert walk.status == A.PLANNED


# --- rights ---------------------------------------------------------------------------


def test_a_police_liaison_records_only_police_and_joint_rows(
    client_of, liaison, pledge, walk, patrol, cafe
):
    client = client_of(liaison)
    response = client.get(url(pledge))
    assert response.status_code == 200
    assert [form.activity for form in response.context["forms"]] == [patrol, cafe]
    row = response.text.split(f'id="plan-row-{walk.pk}"')[1].split("</tr>")[0]
    assert "<input" not in row and "<textarea" not in row  # read-only
    data = filled(response)
    data[f"a{walk.pk}-status"] = A.DONE  # a forged row of the municipality's is ignored
    data[f"a{walk.pk}-progress"] = "100"
    assert client.post(url(pledge), data).status_code == 302
    assert set(FollowUp.objects.values_list("activity_id", flat=True)) == {patrol.pk, cafe.pk}
    assert all(e.reported_by == liaison for e in FollowUp.objects.all())


def test_a_liaison_posting_a_municipality_row_as_theirs_saves_nothing(
    client_of, liaison, pledge, walk, patrol
):
    client = client_of(liaison)
    data = filled(client.get(url(pledge)))
    data["row"] = [*data["row"], str(walk.pk)]
    assert client.post(url(pledge), data).status_code == 409
    assert not FollowUp.objects.exists()


def test_a_coordinator_records_every_party_as_with_one_entry(client_of, owner, pledge, patrol):
    """Rights as for one entry (``services.may_record``): the coordinators record every
    activity of their municipality, the police's included."""
    response = client_of(owner).get(url(pledge))
    assert [form.activity for form in response.context["forms"]] == [patrol]
    assert response.status_code == 200


def test_who_may_open_the_page(client_of, colleague, outsider, county_officer, pledge, walk):
    for user in (colleague, outsider, county_officer):
        assert client_of(user).get(url(pledge)).status_code == 404
        assert client_of(user).post(url(pledge), {"period": FIRST}).status_code == 404
    assert client_of(colleague).get(reverse("plan-follow-up", args=[999_999])).status_code == 404


def test_a_draft_pledge_is_shown_without_a_form(client_of, owner, home):
    draft = f.PledgeFactory(municipality=home)
    _activity(draft, "Utkastaktivitet", P.MUNICIPALITY, 1)
    response = client_of(owner).get(url(draft))
    assert response.status_code == 200
    assert response.context["forms"] == []
    assert "Bara ett undertecknat och publicerat" in response.text
    assert client_of(owner).post(url(draft), {"period": FIRST}).status_code == 400
    assert not FollowUp.objects.exists()


# --- the public status ----------------------------------------------------------------


def test_an_unpublished_row_never_changes_the_public_status(client_of, owner, pledge, walk, patrol):
    client = client_of(owner)
    data = filled(
        client.get(url(pledge)),
        Trygghetsvandring={"status": A.CANCELLED, "progress": "0"},
        **{"Polisens fotpatrull": {"status": A.DONE, "progress": "100", "published": "on"}},
    )
    assert client.post(url(pledge), data).status_code == 302
    walk.refresh_from_db()
    patrol.refresh_from_db()
    assert walk.status == A.CANCELLED  # internal
    assert walk.public_status == A.PLANNED  # residents still see the plan's status
    assert walk.public_status == services.public_status_of(walk, plan_status=A.PLANNED)
    assert patrol.public_status == A.DONE


# --- queries ----------------------------------------------------------------------------


def test_page_queries_do_not_grow_from_10_to_60_activities(
    client_of, owner, liaison, pledge, housing
):
    def grow_to(count: int):
        for n in range(pledge.activities.count(), count):
            activity = _activity(pledge, f"Aktivitet {n}", list(P)[n % 3], n + 1)
            if n % 5 == 0:  # a partner organisation's name on the row, read with it
                Activity.objects.filter(pk=activity.pk).update(
                    responsible_party=P.PARTNER, responsible_organisation=housing
                )
            if n % 4 == 0:
                f.FollowUpFactory(activity=activity, reported_by=owner)

    grow_to(10)
    small = assert_constant_queries(client_of(owner), url(pledge), lambda: grow_to(60))
    assert len(client_of(owner).get(url(pledge)).context["rows"]) == 60
    assert_constant_queries(client_of(liaison), url(pledge), lambda: None)
    assert small < 25


def test_junk_is_sent_back_never_a_5xx(client_of, owner, pledge, walk):
    client = client_of(owner)
    bodies = [
        {},
        {"period": "junk", "row": ["x", str(walk.pk)]},
        {"period": FIRST, "row": str(walk.pk), f"a{walk.pk}-version": "abc"},
        {
            "period": FIRST,
            "row": str(walk.pk),
            f"a{walk.pk}-version": str(walk.version),
            f"a{walk.pk}-status": "\x00",
            f"a{walk.pk}-progress": "1e9",
        },
    ]
    for body in bodies:
        assert client.post(url(pledge), body).status_code in (400, 409), body
    assert not FollowUp.objects.exists()
