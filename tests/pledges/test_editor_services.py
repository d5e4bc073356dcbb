"""The services behind the editor, called directly: only the municipality's coordinators
write; removal can be undone; reordering; renewal; an import is all rows or none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import importexport, renewal, services
from pledges.models import Activity, Dialogue, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

CSV = b"title;type;responsible_party;recurrence\r\nNattvandring;social;joint;Varje fredag\r\n"


def writes(user, pledge, activity):
    """Every write the editor makes, as ``user``."""
    services.pledge_save(user=user, pledge=pledge, expected_version=pledge.version)
    services.activity_save(user=user, activity=f.ActivityFactory.build(pledge=pledge))
    services.activity_save(user=user, activity=activity, expected_version=activity.version)
    services.activity_move(user=user, activity=activity, direction="down")
    activity.refresh_from_db()  # the move saved a new version
    services.activity_delete(user=user, activity=activity, expected_version=activity.version)
    services.activity_restore(user=user, activity=activity)
    services.dialogue_save(user=user, dialogue=f.DialogueFactory.build(pledge=pledge))
    importexport.import_activities(user=user, pledge=pledge, name="a.csv", content=CSV)


@pytest.mark.parametrize("who", ["colleague", "liaison", "county_officer", "outsider"])
def test_only_the_municipalitys_coordinators_write(request, who, pledge, activities):
    user = request.getfixturevalue(who)
    first = activities[0]
    calls = [
        lambda: services.pledge_save(user=user, pledge=pledge, expected_version=pledge.version),
        lambda: services.activity_save(user=user, activity=f.ActivityFactory.build(pledge=pledge)),
        lambda: services.activity_save(user=user, activity=first, expected_version=1),
        lambda: services.activity_move(user=user, activity=first, direction="down"),
        lambda: services.activity_delete(user=user, activity=first, expected_version=first.version),
        lambda: services.activity_restore(user=user, activity=first),
        lambda: services.dialogue_save(user=user, dialogue=f.DialogueFactory.build(pledge=pledge)),
        lambda: importexport.import_activities(user=user, pledge=pledge, name="a.csv", content=CSV),
        lambda: services.pledge_submit(user=user, pledge=pledge),
        lambda: renewal.pledge_renew(user=user, pledge=pledge),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert pledge.activities.count() == 2
    assert Activity.objects.get(pk=first.pk).version == 1
    assert not Dialogue.objects.exists()


def test_the_owner_writes_all_of_it(owner, pledge, activities):
    writes(owner, pledge, activities[0])
    assert pledge.activities.filter(deleted_at__isnull=True).count() == 4
    assert pledge.dialogues.count() == 1


def test_removal_is_undone_and_a_removed_row_leaves_the_order(owner, pledge, activities):
    first, second = activities
    third = f.ActivityFactory(pledge=pledge, title="Tredje", order=3)
    services.activity_delete(user=owner, activity=second, expected_version=second.version)
    services.activity_move(user=owner, activity=third, direction="up")
    ordered = pledge.activities.filter(deleted_at__isnull=True).order_by("order", "pk")
    assert list(ordered) == [third, first]
    services.activity_restore(user=owner, activity=second)
    second.refresh_from_db()
    assert second.deleted_at is None
    assert second.history.count() == 3  # created, removed, restored: each a version


def test_renewal_carries_over_only_what_was_not_done(owner, pledge):
    for status in Activity.Status.values:
        f.ActivityFactory(pledge=pledge, title=f"Aktivitet {status}", status=status)
    f.ActivityFactory(pledge=pledge, title="Borttagen", deleted_at="2026-03-01T10:00:00Z")
    renewed = renewal.pledge_renew(user=owner, pledge=pledge)
    assert renewed.status == Pledge.Status.DRAFT
    assert sorted(renewed.activities.values_list("title", "status")) == [
        ("Aktivitet not_done", "planned"),
        ("Aktivitet ongoing", "ongoing"),
        ("Aktivitet planned", "planned"),
    ]


def test_an_import_saves_all_rows_or_none(owner, pledge):
    broken = CSV + b";social;joint;Varje vecka\r\n"  # the second row has no title
    report = importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=broken)
    assert not report.ok and report.created == []
    assert len(report.errors) == 1 and report.errors[0].startswith(("Row 3", "Rad 3"))
    assert not pledge.activities.exists()
    report = importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=CSV)
    assert report.ok and [a.title for a in report.created] == ["Nattvandring"]
    assert pledge.activities.get().history.first().history_user == owner


def test_an_import_into_a_pledge_that_cannot_change_is_refused(owner, pledge):
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.PUBLISHED)
    pledge.refresh_from_db()
    report = importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=CSV)
    assert not report.ok
    assert not pledge.activities.exists()
    with pytest.raises(ValidationError):
        services.activity_save(user=owner, activity=f.ActivityFactory.build(pledge=pledge))
