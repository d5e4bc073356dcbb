"""Pledge services: the theme rule, transitions, signing, renewal, diff, notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import renewal, services, tasks
from pledges.models import Activity, Notification, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db
S = Pledge.Status


def submit(owner, pledge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.pledge_submit(user=owner, pledge=pledge)


def test_a_pledge_cannot_be_submitted_while_a_required_theme_has_no_activity(
    owner, pledge, themes, activities
):
    activities[1].themes.clear()
    with pytest.raises(ValidationError) as error:
        services.pledge_submit(user=owner, pledge=pledge)
    assert "Avhopparverksamhet" in " ".join(error.value.messages)
    assert "Färre unga i riskzon" not in " ".join(error.value.messages)
    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT


def test_deleted_activities_do_not_count_and_can_be_restored(owner, pledge, activities):
    services.activity_delete(
        user=owner, activity=activities[1], expected_version=activities[1].version
    )
    assert [t.code for t in services.missing_themes(pledge)] == ["avhopp"]
    services.activity_restore(user=owner, activity=activities[1])
    assert services.missing_themes(pledge) == []


def test_submit_records_the_moment_and_tells_the_liaison(
    owner, liaison, pledge, activities, django_capture_on_commit_callbacks
):
    submitted = submit(owner, pledge, django_capture_on_commit_callbacks)
    assert submitted.status == S.IN_REVIEW
    assert submitted.submitted_at is not None
    assert submitted.submitted_by == owner
    notice = Notification.objects.get(user=liaison)
    assert notice.kind == Notification.Kind.SUBMITTED
    # Without Redis the task ran eagerly on commit; with Redis (CI) it waits in the
    # queue. Either way, running it sends the e-mail exactly once.
    tasks.send_notification_email.apply(args=[notice.pk])
    tasks.send_notification_email.apply(args=[notice.pk])
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    assert "Medborgarlöfte Hemby 2026" in mail.outbox[0].subject
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_submitted_pledge_is_frozen_until_the_police_answer(
    owner, pledge, activities, django_capture_on_commit_callbacks
):
    submit(owner, pledge, django_capture_on_commit_callbacks)
    activity = Activity.objects.get(pk=activities[0].pk)
    activity.title = "Ändrad"
    with pytest.raises(ValidationError):
        services.activity_save(user=owner, activity=activity, expected_version=activity.version)


def test_review_rules(
    owner, liaison, outsider, pledge, activities, home_org, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.pledge_approve(user=liaison, pledge=pledge)  # a draft
    submit(owner, pledge, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.pledge_approve(user=owner, pledge=pledge)  # no review right
    with pytest.raises(PermissionDenied):
        services.pledge_approve(user=outsider, pledge=pledge)
    with pytest.raises(ValidationError):
        services.pledge_request_changes(user=liaison, pledge=pledge, message="  ")
    changed = services.pledge_request_changes(user=liaison, pledge=pledge, message="Ange ansvarig.")
    assert changed.status == S.CHANGES_REQUESTED
    assert Notification.objects.filter(user=owner, kind="changes_requested").exists()


def test_a_coordinator_who_is_also_a_liaison_cannot_approve_their_own_pledge(
    owner, police_org, pledge, activities, django_capture_on_commit_callbacks
):
    f.MembershipFactory(user=owner, organisation=police_org, role="police_liaison")
    submit(owner, pledge, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match=r"someone else|någon annan"):
        services.pledge_approve(user=owner, pledge=pledge)


def test_what_changed_since_the_last_review(
    owner, liaison, pledge, activities, django_capture_on_commit_callbacks
):
    submit(owner, pledge, django_capture_on_commit_callbacks)
    services.pledge_request_changes(user=liaison, pledge=pledge, message="Mer om unga.")
    pledge.refresh_from_db()
    pledge.public_text = "Ny text"
    services.pledge_save(user=owner, pledge=pledge, expected_version=pledge.version)
    changed = Activity.objects.get(pk=activities[0].pk)
    changed.status = Activity.Status.ONGOING
    services.activity_save(user=owner, activity=changed, expected_version=changed.version)
    services.activity_delete(
        user=owner, activity=activities[1], expected_version=activities[1].version
    )
    added = Activity(
        pledge=pledge,
        title="Fritidsgård öppen fredagar",
        responsible_party="municipality",
        type="social",
        recurrence="Varje fredag",
    )
    services.activity_save(user=owner, activity=added)

    delta = services.diff(services.last_review(pledge).snapshot, services.snapshot(pledge))
    assert [row[2] for row in delta["fields"]] == ["Ny text"]
    assert [a["title"] for a in delta["added"]] == ["Fritidsgård öppen fredagar"]
    assert [a["title"] for a in delta["removed"]] == ["Föräldravandring"]
    [(title, rows)] = delta["changed"]
    assert title == "Trygghetsvandring"
    assert [(old, new) for _label, old, new in rows] == [("planned", "ongoing")] or len(rows) == 1


def test_both_signatures_publish_and_freeze(
    owner, liaison, pledge, activities, django_capture_on_commit_callbacks
):
    submit(owner, pledge, django_capture_on_commit_callbacks)
    services.pledge_approve(user=liaison, pledge=pledge)
    with pytest.raises(PermissionDenied):
        services.pledge_sign(
            user=owner,
            pledge=pledge,
            party="police",
            name="X",
            title="Y",
            signed_on=dt.date(2026, 1, 5),
        )
    services.pledge_sign(
        user=owner,
        pledge=pledge,
        party="municipality",
        name="Anna",
        title="KSO",
        signed_on=dt.date(2026, 1, 5),
    )
    published = services.pledge_sign(
        user=liaison,
        pledge=pledge,
        party="police",
        name="Bengt",
        title="LPO-chef",
        signed_on=dt.date(2026, 1, 6),
    )
    assert published.status == S.PUBLISHED
    assert published.is_public
    published.title = "Ändrad"
    with pytest.raises(ValidationError):
        services.pledge_save(user=owner, pledge=published, expected_version=published.version)

    version_2 = renewal.pledge_new_version(user=owner, pledge=published)
    assert version_2.status == S.DRAFT
    assert version_2.replaces_id == published.pk
    assert version_2.activities.count() == 2
    with pytest.raises(ValidationError):
        renewal.pledge_new_version(user=owner, pledge=published)


def test_renewal_carries_over_what_was_not_done(owner, pledge, activities):
    Activity.objects.filter(pk=activities[0].pk).update(status=Activity.Status.DONE)
    Activity.objects.filter(pk=activities[1].pk).update(status=Activity.Status.NOT_DONE)
    f.ActivityFactory(pledge=pledge, title="Inställd", status=Activity.Status.CANCELLED)
    renewed = renewal.pledge_renew(user=owner, pledge=pledge)
    assert renewed.title == "Medborgarlöfte Hemby 2027"
    assert (renewed.period_start, renewed.period_end) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert renewed.predecessor == pledge
    carried = list(renewed.activities.all())
    assert [a.title for a in carried] == ["Föräldravandring"]
    assert carried[0].status == Activity.Status.PLANNED
    assert [t.code for t in carried[0].themes.all()] == ["avhopp"]
    with pytest.raises(ValidationError):
        renewal.pledge_renew(user=owner, pledge=pledge)


def test_links_must_stay_in_the_municipality(owner, pledge, away):
    foreign_problem = f.PriorityProblemFactory(
        picture=f.SituationalPictureFactory(municipality=away)
    )
    activity = Activity(
        pledge=pledge,
        title="X",
        responsible_party="joint",
        type="social",
        recurrence="varje vecka",
        problem=foreign_problem,
    )
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=owner, activity=activity)
    assert "problem" in error.value.message_dict
    partner = Activity(
        pledge=pledge,
        title="Y",
        responsible_party="partner",
        type="social",
        recurrence="varje vecka",
    )
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=owner, activity=partner)
    assert "partner_name" in error.value.message_dict


def test_reordering_activities(owner, pledge, activities):
    services.activity_move(user=owner, activity=activities[1], direction="up")
    assert list(pledge.activities.order_by("order").values_list("title", flat=True)) == [
        "Föräldravandring",
        "Trygghetsvandring",
    ]
    assert activities[1].history.first().history_user == owner


def test_what_changed_shows_dates_as_a_person_reads_them():
    from django.utils import translation

    old = {"fields": {"period_end": "2026-12-31"}, "activities": {}}
    new = {"fields": {"period_end": "2027-06-30"}, "activities": {}}
    with translation.override("sv"):
        [(_label, before, after)] = services.diff(old, new)["fields"]
    assert (before, after) == ("31 december 2026", "30 juni 2027")
