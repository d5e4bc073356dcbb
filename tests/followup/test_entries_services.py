"""follow_up_record and pledge_mark_followed_up: who may, when, and what moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from councils.models import Role
from followup import services
from followup.models import FollowUp, PledgeFollowUp
from pledges.models import Activity, Pledge
from tests import factories as f

S = Pledge.Status
A = Activity.Status


def published_pledge(municipality, **kwargs) -> Pledge:
    return f.PledgeFactory(
        municipality=municipality, status=S.PUBLISHED, published_at=timezone.now(), **kwargs
    )


@pytest.fixture
def pledge(home):
    return published_pledge(home, title="Medborgarlöfte Hemby 2026")


@pytest.fixture
def activity(pledge):
    return f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=Activity.Cadence.TERTIAL,
        next_follow_up=dt.date(2026, 4, 30),
    )


def record(user, activity, **changes):
    values = {
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 4, 30),
        "status": A.ONGOING,
        "progress": 50,
        "done": "Tre vandringar.",
        "effect": "",
        "obstacles": "",
        "published": False,
    }
    values.update(changes)
    return services.follow_up_record(user=user, activity=activity, **values)


def test_the_owner_records_a_follow_up_and_the_activity_moves_on(owner, activity):
    entry = record(owner, activity, status=A.DONE, progress=100)
    activity.refresh_from_db()
    assert entry.reported_by == owner
    assert entry.activity == activity
    assert activity.status == A.DONE
    assert activity.next_follow_up == dt.date(2026, 8, 30)  # tertial: four months on
    assert activity.version == 2
    assert activity.history.first().history_user == owner
    assert entry.history.first().history_user == owner


def test_without_a_next_date_the_cadence_counts_from_the_period_end(owner, activity):
    activity.next_follow_up = None
    activity.cadence = Activity.Cadence.MONTHLY
    activity.save()
    record(owner, activity, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31))
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 2, 28)


@pytest.mark.parametrize("who", ["colleague", "outsider", "county_officer", "national_reader"])
def test_readers_and_outsiders_may_not_record(request, activity, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        record(user, activity)
    assert not FollowUp.objects.exists()
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("party", "allowed"),
    [
        (Activity.Party.POLICE, True),
        (Activity.Party.JOINT, True),
        (Activity.Party.MUNICIPALITY, False),
    ],
)
def test_the_liaison_records_police_and_joint_activities_only(liaison, activity, party, allowed):
    activity.responsible_party = party
    activity.save()
    if allowed:
        record(liaison, activity)
        assert FollowUp.objects.get().reported_by == liaison
    else:
        with pytest.raises(PermissionDenied):
            record(liaison, activity)


def test_the_liaison_of_another_area_may_not(away, activity):
    other_area = f.LocalPoliceAreaFactory(municipalities=[away])
    org = f.OrganisationFactory(police=True, local_police_area=other_area)
    stranger = f.UserFactory(username="stranger")
    f.MembershipFactory(user=stranger, organisation=org, role=Role.POLICE_LIAISON)
    activity.responsible_party = Activity.Party.POLICE
    activity.save()
    with pytest.raises(PermissionDenied):
        record(stranger, activity)


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED])
def test_a_pledge_not_published_is_not_followed_up(owner, activity, status):
    Pledge.objects.filter(pk=activity.pledge_id).update(status=status)
    with pytest.raises(ValidationError):
        record(owner, activity)
    assert not FollowUp.objects.exists()


def test_a_followed_up_pledge_is_still_followed_up(owner, activity):
    Pledge.objects.filter(pk=activity.pledge_id).update(status=S.FOLLOWED_UP)
    record(owner, activity)
    assert FollowUp.objects.count() == 1


def test_bad_periods_progress_and_removed_activities_are_refused(owner, activity):
    with pytest.raises(ValidationError) as error:
        record(owner, activity, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 4, 1))
    assert "period_end" in error.value.error_dict
    with pytest.raises(ValidationError):
        record(owner, activity, progress=101)
    with pytest.raises(ValidationError):
        record(owner, activity, status="bogus")
    activity.deleted_at = timezone.now()
    activity.save()
    with pytest.raises(ValidationError):
        record(owner, activity)
    assert not FollowUp.objects.exists()


def test_the_entry_and_the_move_are_one_transaction(owner, activity, monkeypatch):
    def broken(day, kind):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.cadence, "next_follow_up", broken)
    with pytest.raises(RuntimeError):
        record(owner, activity)
    assert not FollowUp.objects.exists()
    activity.refresh_from_db()
    assert activity.status == A.PLANNED


# --- marking the pledge followed up --------------------------------------------------


def mark(user, pledge, **changes):
    values = {
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 4, 30),
        "summary": "Allt enligt plan.",
        "publish": True,
    }
    values.update(changes)
    return services.pledge_mark_followed_up(user=user, pledge=pledge, **values)


def test_mark_followed_up_when_every_activity_has_an_entry(owner, pledge, activity):
    second = f.ActivityFactory(pledge=pledge, title="Föräldravandring")
    removed = f.ActivityFactory(pledge=pledge, deleted_at=timezone.now())
    f.FollowUpFactory(activity=activity, period_end=dt.date(2026, 4, 30))
    f.FollowUpFactory(
        activity=second, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 6, 30)
    )
    assert removed.follow_ups.count() == 0

    marked = mark(owner, pledge)
    pledge.refresh_from_db()
    assert pledge.status == S.FOLLOWED_UP
    assert pledge.version == 2
    assert pledge.history.first().history_user == owner
    assert marked.published_at is not None
    assert marked.marked_by == owner
    assert marked.summary == "Allt enligt plan."


def test_mark_refused_when_one_activity_lacks_an_entry(owner, pledge, activity):
    second = f.ActivityFactory(pledge=pledge, title="Föräldravandring")
    f.FollowUpFactory(activity=activity)
    # an entry of an earlier period does not cover the period end
    f.FollowUpFactory(
        activity=second, period_start=dt.date(2025, 9, 1), period_end=dt.date(2025, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        mark(owner, pledge)
    assert "Föräldravandring" in str(error.value)
    assert "Trygghetsvandring" not in str(error.value)
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED
    assert not PledgeFollowUp.objects.exists()


def test_mark_without_publishing_and_not_twice(owner, pledge, activity):
    f.FollowUpFactory(activity=activity)
    marked = mark(owner, pledge, publish=False)
    assert marked.published_at is None
    with pytest.raises(ValidationError):
        mark(owner, pledge)
    assert PledgeFollowUp.objects.count() == 1


@pytest.mark.parametrize("who", ["colleague", "liaison", "outsider"])
def test_only_editors_mark_followed_up(request, pledge, activity, who):
    f.FollowUpFactory(activity=activity)
    with pytest.raises(PermissionDenied):
        mark(request.getfixturevalue(who), pledge)


def test_a_draft_is_not_marked(owner, home):
    draft = f.PledgeFactory(municipality=home)
    with pytest.raises(ValidationError):
        mark(owner, draft)
