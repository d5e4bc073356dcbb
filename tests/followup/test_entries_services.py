"""follow_up_record and pledge_mark_followed_up: who may, when, and what moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

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
    assert activity.next_follow_up == dt.date(2026, 8, 31)  # the next tertial's end
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


def test_an_entry_that_stops_within_a_period_leaves_the_rest_of_it_due(owner, activity):
    record(owner, activity, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 4, 15))
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("kind", "period_end", "expected"),
    [
        (Activity.Cadence.MONTHLY, dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
        (Activity.Cadence.QUARTERLY, dt.date(2026, 12, 31), dt.date(2027, 3, 31)),
        (Activity.Cadence.TERTIAL, dt.date(2026, 12, 31), dt.date(2027, 4, 30)),
        (Activity.Cadence.MONTHLY, dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
    ],
)
def test_the_next_follow_up_crosses_the_year_end_and_leap_days(
    owner, home, kind, period_end, expected
):
    pledge = published_pledge(
        home, period_start=dt.date(2026, 1, 1), period_end=dt.date(2028, 12, 31)
    )
    activity = f.ActivityFactory(pledge=pledge, cadence=kind, next_follow_up=period_end)
    start = dt.date(period_end.year, period_end.month, 1)
    record(owner, activity, period_start=start, period_end=period_end)
    activity.refresh_from_db()
    assert activity.next_follow_up == expected


def test_the_next_follow_up_is_never_after_the_pledges_end(owner, home):
    """A pledge from July to June: the tertial May–August is cut at 30 June, and once an
    entry reaches the pledge's end nothing more is due."""
    pledge = published_pledge(
        home, period_start=dt.date(2026, 7, 1), period_end=dt.date(2027, 6, 30)
    )
    activity = f.ActivityFactory(
        pledge=pledge, cadence=Activity.Cadence.TERTIAL, next_follow_up=dt.date(2027, 4, 30)
    )
    record(owner, activity, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 4, 30))
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2027, 6, 30)  # not 31 August
    record(owner, activity, period_start=dt.date(2027, 5, 1), period_end=dt.date(2027, 6, 30))
    activity.refresh_from_db()
    assert activity.next_follow_up is None


def test_yearly_follow_up_of_a_one_year_pledge_ends_with_it(owner, home):
    pledge = published_pledge(
        home, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
    )
    activity = f.ActivityFactory(
        pledge=pledge, cadence=Activity.Cadence.YEARLY, next_follow_up=dt.date(2027, 12, 31)
    )
    record(owner, activity, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31))
    activity.refresh_from_db()
    assert activity.next_follow_up is None  # before: 31 December 2028, after the pledge


def test_recording_an_earlier_period_does_not_move_the_date_back(owner, activity):
    record(owner, activity, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 8, 31))
    record(owner, activity, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 4, 30))
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 12, 31)


def test_a_stored_next_date_from_year_one_does_not_break_recording(owner, activity):
    Activity.objects.filter(pk=activity.pk).update(next_follow_up=dt.date(1, 1, 5))
    record(owner, activity)
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 8, 31)


PLAUSIBLE = "Ange ett datum mellan 1990-01-01 och 2100-12-31."


@pytest.mark.parametrize(
    ("field", "day"),
    [
        ("period_end", dt.date(9999, 12, 31)),
        ("period_start", dt.date(1, 1, 5)),
        ("period_end", dt.date(2101, 1, 1)),
        ("period_start", dt.date(1989, 12, 31)),
    ],
)
def test_implausible_dates_are_refused_in_swedish_at_the_field(owner, activity, field, day):
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        record(owner, activity, **{field: day})
    assert error.value.message_dict == {field: [PLAUSIBLE]}
    assert not FollowUp.objects.exists()
    activity.refresh_from_db()
    assert activity.next_follow_up == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2026, 12, 1), dt.date(2027, 1, 31), "period_start"),
        (dt.date(2027, 9, 1), dt.date(2028, 1, 31), "period_end"),
        (dt.date(2028, 1, 1), dt.date(2028, 4, 30), "period_end"),
    ],
)
def test_the_period_lies_within_the_pledges_period(owner, home, start, end, field):
    pledge = published_pledge(
        home, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
    )
    activity = f.ActivityFactory(pledge=pledge)
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        record(owner, activity, period_start=start, period_end=end)
    assert error.value.message_dict == {
        field: ["Perioden måste ligga inom löftets period 2027-01-01–2027-12-31."]
    }
    assert not FollowUp.objects.exists()


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


def test_mark_refuses_implausible_dates_and_periods_outside_the_pledge(owner, pledge, activity):
    f.FollowUpFactory(activity=activity)
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        mark(owner, pledge, period_end=dt.date(9999, 12, 31))
    assert error.value.message_dict == {"period_end": [PLAUSIBLE]}
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        mark(owner, pledge, period_start=dt.date(2025, 9, 1))
    assert error.value.message_dict == {
        "period_start": ["Perioden måste ligga inom löftets period 2026-01-01–2026-12-31."]
    }
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
