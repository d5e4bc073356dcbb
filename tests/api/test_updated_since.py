"""``updated_since`` on the pledges, activities and follow-ups: what changed since the
caller last asked, and a change through the API counts as one."""

from __future__ import annotations

import datetime as dt

from councils import dates
from councils.concurrency import bump
from followup.models import FollowUp
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.api.conftest import this_year

JSON = "application/json"


def _ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.content
    return {item["id"] for item in answer.json()["items"]}


def _age(model, *rows, days: int = 10) -> None:
    model.objects.filter(pk__in=[row.pk for row in rows]).update(
        updated_at=dates.now() - dt.timedelta(days=days)
    )


def test_each_list_gives_only_what_changed_since(client, owner, bearer, published, activity):
    start, end = this_year()
    old = f.ActivityFactory(pledge=published, start_date=start, end_date=end, next_follow_up=None)
    older_pledge = f.PledgeFactory(
        municipality=published.municipality,
        period_start=start,
        period_end=end,
        status=Pledge.Status.PUBLISHED,
    )
    kept = f.FollowUpFactory(
        activity=activity, period_start=start, period_end=start, published=True
    )
    stale = f.FollowUpFactory(activity=old, period_start=start, period_end=start, published=True)
    _age(Activity, old)
    _age(Pledge, older_pledge)
    _age(FollowUp, stale)
    headers = bearer(owner)
    since = {"updated_since": (dates.now() - dt.timedelta(days=1)).isoformat()}

    assert _ids(client.get("/api/v1/activities", since, headers=headers)) == {activity.pk}
    assert _ids(client.get("/api/v1/pledges", since, headers=headers)) == {published.pk}
    assert _ids(client.get("/api/v1/follow-ups", since, headers=headers)) == {kept.pk}
    everything = client.get("/api/v1/activities", headers=headers)
    assert _ids(everything) == {activity.pk, old.pk}
    assert "updated_at" in everything.json()["items"][0]


def test_a_change_by_a_service_moves_the_time(client, owner, bearer, draft):
    start, end = this_year()
    row = f.ActivityFactory(pledge=draft, start_date=start, end_date=end, next_follow_up=None)
    _age(Activity, row)
    row.refresh_from_db()
    before = row.updated_at

    row.order = 7
    bump(row, user=owner, update_fields=["order"])  # a service's own change, one field

    row.refresh_from_db()
    assert row.updated_at > before
    since = {"updated_since": (dates.now() - dt.timedelta(days=1)).isoformat()}
    assert _ids(client.get("/api/v1/activities", since, headers=bearer(owner))) == {row.pk}
