""" "What changed since the last review" is worked out once per content and reader's
language, kept in the cache, and never shown stale: every save that changes what the
snapshot holds (the pledge, an activity, a theme's title) changes the key."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pledges import changes as changes_module
from pledges import services
from pledges.models import Activity, Pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(owner, liaison, pledge, activities, django_capture_on_commit_callbacks):
    """A pledge sent back once and submitted again: the page compares with that review."""
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(user=owner, pledge=pledge)
    services.pledge_request_changes(user=liaison, pledge=pledge, message="Förtydliga.")
    pledge = Pledge.objects.get(pk=pledge.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(user=owner, pledge=pledge)
    return pledge


@pytest.fixture
def diffs(monkeypatch):
    """The diffs actually worked out (not taken from the cache)."""
    made = []
    real = changes_module.diff

    def counted(old, new):
        made.append(new)
        return real(old, new)

    monkeypatch.setattr(changes_module, "diff", counted)
    return made


def page_changes(client, pledge):
    response = client.get(reverse("pledge-review", args=[pledge.pk]))
    assert response.status_code == 200
    return response.context["changes"], response.content.decode()


def test_the_diff_is_made_once_and_remade_after_an_activity_changes(
    client_of, liaison, reviewed, activities, diffs
):
    client = client_of(liaison)
    first, _body = page_changes(client, reviewed)
    again, _body = page_changes(client, reviewed)
    assert first == again == {"fields": [], "added": [], "removed": [], "changed": []}
    assert len(diffs) == 1

    # in review the pledge is frozen for its editors; the row changes all the same here
    Activity.objects.filter(pk=activities[0].pk).update(recurrence="Varannan fredag")

    changed, body = page_changes(client, reviewed)
    [(title, rows)] = changed["changed"]
    assert title == "Trygghetsvandring"
    assert [(before, after) for _label, before, after in rows] == [("", "Varannan fredag")]
    assert "<ins>Varannan fredag</ins>" in body
    assert len(diffs) == 2


def test_a_change_outside_the_activity_row_shows_too(
    client_of, liaison, reviewed, activities, themes, diffs
):
    """A theme renamed changes no activity's version, but what the snapshot shows."""
    client = client_of(liaison)
    page_changes(client, reviewed)
    themes[0].title = "Färre unga i kriminalitet"
    themes[0].save()

    changed, body = page_changes(client, reviewed)
    [(title, rows)] = changed["changed"]
    assert title == "Trygghetsvandring"
    assert [after for _label, _before, after in rows] == ["Färre unga i kriminalitet"]
    assert "<ins>Färre unga i kriminalitet</ins>" in body
    assert len(diffs) == 2


def test_each_language_has_its_own_diff(reviewed, activities, diffs):
    Activity.objects.filter(pk=activities[0].pk).update(recurrence="Varje vecka")
    activities_now = list(changes_module.reviewed_activities(reviewed))
    last = services.last_review(reviewed)

    def label_of_the_new_recurrence() -> str:
        changed = changes_module.since_last_review(reviewed, last, activities_now)["changed"]
        rows = dict(changed)["Trygghetsvandring"]
        return next(label for label, _before, after in rows if after == "Varje vecka")

    with translation.override("sv"):
        swedish = label_of_the_new_recurrence()
    with translation.override("en"):
        english = label_of_the_new_recurrence()
    assert (swedish, english) == ("hur ofta", "recurrence")
    assert len(diffs) == 2


def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_review_made_in_swedish_reads_unchanged_in_english(client_of, liaison, reviewed):
    """The snapshot keeps choices as values: the language of whoever submitted does not
    make every activity look changed to a reader of the other language."""
    changed, _body = page_changes(_in_english(client_of(liaison)), reviewed)
    assert changed == {"fields": [], "added": [], "removed": [], "changed": []}


def test_an_older_snapshot_with_swedish_labels_reads_unchanged_and_changes_in_english(
    client_of, liaison, reviewed, activities
):
    review = reviewed.reviews.order_by("-pk").first()
    with translation.override("sv"):  # as snapshots were stored before
        for activity in activities:
            stored = review.snapshot["activities"][str(activity.pk)]
            for name in changes_module.CHOICE_FIELDS:
                stored[name] = str(dict(Activity._meta.get_field(name).flatchoices)[stored[name]])
    review.save(update_fields=["snapshot"])
    client = _in_english(client_of(liaison))
    unchanged, _body = page_changes(client, reviewed)
    assert unchanged["changed"] == []

    Activity.objects.filter(pk=activities[0].pk).update(status=Activity.Status.ONGOING)
    changed, body = page_changes(client, Pledge.objects.get(pk=reviewed.pk))
    [(_title, rows)] = changed["changed"]
    with translation.override("en"):
        before = str(Activity.Status(activities[0].status).label)
        after = str(Activity.Status.ONGOING.label)
    assert rows == [("status", before, after)]
    assert before != after and after in body
