"""A process's own copies of content-addressed cache entries (``councils.cache.Near``):
served without Redis while fresh, gone after ``SECONDS``, bounded in bytes with the
least recently used out first, and kept apart by the cache's key prefix."""

from __future__ import annotations

import pytest

from councils import cache as cache_module
from councils.cache import Near


@pytest.fixture
def clock(monkeypatch):
    moment = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: moment[0])
    return moment


def test_a_copy_is_served_until_it_is_too_old(clock):
    near = Near()
    near.set("page", b"kept", size=4)
    clock[0] += Near.SECONDS - 1
    assert near.get("page") == b"kept"
    clock[0] += 2
    assert near.get("page", "gone") == "gone"


def test_the_least_recently_used_go_first_once_the_bytes_are_held(clock, monkeypatch):
    monkeypatch.setattr(Near, "MAX_BYTES", 30)
    near = Near()
    near.set("a", "A", size=10)
    near.set("b", "B", size=10)
    near.set("c", "C", size=10)
    assert near.get("a") == "A"  # now the most recently used
    near.set("d", "D", size=10)
    assert near.get("b") is None
    assert [near.get(k) for k in "acd"] == ["A", "C", "D"]


def test_an_entry_too_large_is_not_copied_and_a_new_value_replaces_the_old(clock):
    near = Near()
    near.set("big", "x", size=Near.MAX_ENTRY + 1)
    assert near.get("big") is None
    near.set("key", "one", size=3)
    near.set("key", "two", size=3)
    assert near.get("key") == "two"
    assert near._bytes == 3


def test_copies_are_kept_apart_by_the_caches_key_prefix(clock, settings):
    near = Near()
    near.set("page", "first test's", size=12)
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "another-namespace"}}
    assert near.get("page") is None
