"""The versions of the residents' pages and the open data, remembered for the data's
generation (``pledges.public_cache.remembered``): read from the database once, read
again after any save or delete of a watched model, and never filed under the new
generation by a read that ran before the save committed."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse

from followup import services as followup_services
from pledges import public_cache, selectors
from tests import factories as f
from tests.pledges.public_helpers import published

pytestmark = pytest.mark.django_db


def test_a_version_is_read_once_per_generation(home, django_assert_num_queries):
    published(home)
    first = public_cache.current_pledges_fingerprint()
    with django_assert_num_queries(0):
        assert public_cache.current_pledges_fingerprint() == first
    published(home, title="En till")
    with django_assert_num_queries(1):
        changed = public_cache.current_pledges_fingerprint()
    assert changed != first
    assert changed == selectors.current_pledges_fingerprint()


def test_a_delete_begins_a_new_generation(home):
    pledge = published(home)
    activity = f.ActivityFactory(pledge=pledge, title="Nattvandring")
    before = public_cache.open_data_activities_fingerprint()
    activity.delete()
    after = public_cache.open_data_activities_fingerprint()
    assert after != before
    assert after == selectors.open_data_activities_fingerprint()


def test_a_version_read_before_a_save_commits_is_not_kept_after_it(
    home, django_capture_on_commit_callbacks
):
    """Another request may read the database between the save and its commit (it sees
    the old rows) and keep what it read under the generation the save began; the commit
    begins yet another, so what it kept is never read."""
    pledge = published(home)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        pledge.title = "Ny titel"
        pledge.version += 1
        pledge.save()
        kept_before_commit = public_cache.remembered("probe", lambda: "the rows before")
        assert kept_before_commit == "the rows before"
    assert callbacks  # the commit's new generation
    assert public_cache.remembered("probe", lambda: "the rows after") == "the rows after"


def test_without_the_cache_every_version_is_read_from_the_database(home, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    pledge = published(home)
    calls = []

    def read():
        calls.append(1)
        return selectors.current_pledges_fingerprint()

    assert public_cache.remembered("probe", read) == public_cache.remembered("probe", read)
    assert len(calls) == 2
    page = reverse("public-pledge", args=[pledge.pk])
    assert Client().get(page).status_code == 200


def test_the_pledge_page_shows_a_follow_up_published_after_its_version_was_kept(home, owner):
    pledge = published(home)
    activity = f.ActivityFactory(pledge=pledge, title="Trygghetsvandring")
    entry = f.FollowUpFactory(activity=activity, done="Vi gick tre kvällar", published=False)
    page = reverse("public-pledge", args=[pledge.pk])
    assert "Vi gick tre kvällar" not in Client().get(page).content.decode()
    followup_services.follow_up_publish(user=owner, entry=entry, expected_version=entry.version)
    assert "Vi gick tre kvällar" in Client().get(page).content.decode()


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def test_every_table_a_version_reads_is_watched(home):
    """A table read by a remembered version but not watched would leave the version
    stale after a save: every table of every version's SQL belongs to a watched model."""
    pledge = published(home)
    public_cache.pledge_page_version(pledge.pk)
    selectors.current_pledges_fingerprint()
    selectors.open_data_activities_fingerprint()
    sqls = [public_cache._version_query(pledge.pk).query.sql_with_params()[0]]
    sqls += [prepared._sql()[0] for prepared in selectors._FINGERPRINTS.values()]
    read = {table for sql in sqls for table in _TABLE.findall(sql)}
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    watched = {model._meta.db_table for model in public_cache.PUBLIC.watched}
    assert read >= {"pledges_pledge", "pledges_activity", "followup_followup"}, read
    assert {by_table[t]._meta.label for t in read - watched} == set()
