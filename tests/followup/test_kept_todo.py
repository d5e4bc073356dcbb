"""The coordinator's and the liaison's parts of the start page, kept for the data's
generation (``followup.today.OWN``), the user, the day, the language and the user's
grants: read once, read again after any save that changes them, never another user's.
The failed reports are read on every visit (their failure is written without a signal).

The clock is frozen; the data is built from the frozen day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from councils import access, dates
from councils.access import Capability
from councils.models import Role
from followup import today as todo
from followup.models import Report
from pledges.models import Pledge
from tests import factories as f
from tests.followup.test_today import fill

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def today() -> dt.date:
    return dates.today()


def _texts(groups) -> list[str]:
    return [item.text for group in groups for item in group.items]


def test_the_parts_are_read_once_per_generation(
    django_assert_max_num_queries, owner, liaison, home, today
):
    fill(home, "Hemby", requester=owner)
    for user in (owner, liaison):
        first = todo.for_user(user, today)
        user = type(user).objects.get(pk=user.pk)  # a new request's user: grants read again
        with django_assert_max_num_queries(3):  # the user's grants; the failed reports
            again = todo.for_user(user, today)
        assert _texts(again.coordinator or []) == _texts(first.coordinator or [])
        assert _texts(again.police or []) == _texts(first.police or [])


def test_a_save_shows_at_once(owner, liaison, home, today):
    fill(home, "Hemby", requester=owner)
    assert "Granska ”Hemby granskas”" in _texts(todo.for_user(liaison, today).police)
    pledge = Pledge.objects.get(title="Hemby granskas")
    pledge.status = Pledge.Status.APPROVED
    pledge.save()
    assert "Granska ”Hemby granskas”" not in _texts(todo.for_user(liaison, today).police)
    f.PledgeCommentFactory(pledge=pledge, author=liaison)
    assert any("Hemby granskas" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_a_failed_report_shows_at_once_though_written_without_a_signal(owner, home, today):
    mine = fill(home, "Hemby")
    todo.for_user(owner, today)  # kept
    report = Report.objects.create(
        kind=Report.Kind.AGREEMENT, object_id=mine["ending"].pk, requested_by=owner
    )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED)  # as the job does
    assert any("kunde inte" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_new_grants_show_their_municipalities_at_once(owner, home, away, away_org, today):
    fill(home, "Hemby")
    fill(away, "Bortby")
    assert not any("Bortby" in text for text in _texts(todo.for_user(owner, today).coordinator))
    f.MembershipFactory(user=owner, organisation=away_org, role=Role.COORDINATOR)
    owner = type(owner).objects.get(pk=owner.pk)
    assert any("Bortby" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_users_and_languages_are_kept_apart(owner, outsider, home, away, today):
    fill(home, "Hemby")
    fill(away, "Bortby")
    mine = _texts(todo.for_user(owner, today).coordinator)
    theirs = _texts(todo.for_user(outsider, today).coordinator)
    assert any("Hemby" in t for t in mine) and not any("Bortby" in t for t in mine)
    assert any("Bortby" in t for t in theirs) and not any("Hemby" in t for t in theirs)
    with translation.override("en"):
        english = _texts(todo.for_user(owner, today).coordinator)
    assert "Follow up “Hemby sen”" in english and "Följ upp ”Hemby sen”" in mine


def test_another_day_is_read_again(liaison, home, today):
    fill(home, "Hemby")
    [waiting] = [
        i.waiting for g in todo.for_user(liaison, today).police for i in g.items if i.waiting
    ]
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        again = todo.for_user(type(liaison).objects.get(pk=liaison.pk), dates.today())
    assert [i.waiting for g in again.police for i in g.items if i.waiting] == [waiting + 1]


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def test_every_table_the_parts_read_is_watched(owner, liaison, home, today):
    """A table read by the kept parts but not watched would leave them stale after a
    save. The grants (read before, and in the key) are not the parts' reads."""
    fill(home, "Hemby", requester=owner)
    read = set()
    for user in (owner, liaison):
        access.holds_anywhere(user, Capability.READ)  # the grants, worked out first
        with CaptureQueriesContext(connection) as captured:
            todo.coordinator_part(user, today)
            todo.police_part(user, today)
        read |= {table for query in captured for table in _TABLE.findall(query["sql"])}
    watched = {model._meta.db_table for model in todo.OWN.watched}
    assert {"pledges_pledge", "pledges_comment", "agreements_agreement"} <= read
    assert read - watched == set()
