"""The cache while Redis cannot be reached: a miss on every read, nothing on a write,
and what is asked for is made without it (``councils.cache.ResilientRedisCache``)."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template import engines
from django.utils.safestring import SafeString

from councils.cache import NEAR, ResilientRedisCache, kept_fragment, template_version


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once it is closed


def _cache() -> ResilientRedisCache:
    return ResilientRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})


def test_reads_miss_and_writes_do_nothing_while_redis_is_down(caplog):
    cache = _cache()
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("key", 1) is False
    assert cache.set("key", 1) is None
    assert cache.delete("key") is False
    assert cache.get_or_set("key", lambda: "made without the cache") == "made without the cache"
    assert "cache unavailable" in caplog.text


def test_a_template_fragment_is_rendered_without_the_cache(settings, caplog):
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {
        "default": {"BACKEND": "councils.cache.ResilientRedisCache", "LOCATION": location}
    }
    template = engines["django"].from_string(
        "{% load cache %}{% cache 60 fragment %}inside {{ n }}{% endcache %}"
    )
    assert template.render({"n": 7}) == "inside 7"
    assert "cache unavailable" in caplog.text  # it did try the (unreachable) Redis


def test_one_redis_client_serves_every_call():
    """Django makes a ``redis.Redis`` per call; ours keeps one per connection pool."""
    cache = _cache()
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: one pool


def test_a_template_version_is_the_digest_of_its_source():
    source = (Path(settings.BASE_DIR) / "templates/pledges/editor.html").read_bytes()
    assert template_version("pledges/editor.html") == hashlib.sha256(source).hexdigest()[:16]
    assert template_version("followup/dashboard.html") != template_version("pledges/editor.html")


def test_a_kept_fragment_is_read_once_from_the_cache_then_from_the_process(db):
    """``kept_fragment`` gives what ``{% cache %}`` kept (marked safe, to show as it is),
    None before that; once read, the process's own copy answers without a round trip."""
    template = engines["django"].from_string(
        "{% load cache %}{% cache 60 rows digest 'sv' %}<td>{{ n }}</td>{% endcache %}"
    )
    assert kept_fragment("rows", "abc", "sv") is None
    template.render({"n": 7, "digest": "abc"})
    kept = kept_fragment("rows", "abc", "sv")
    assert kept == "<td>7</td>" and isinstance(kept, SafeString)
    assert kept_fragment("rows", "abc", "en") is None  # every part of the key counts
    cache.delete(make_template_fragment_key("rows", ["abc", "sv"]))
    assert kept_fragment("rows", "abc", "sv") == "<td>7</td>"  # the process's copy
    NEAR.clear()
    assert kept_fragment("rows", "abc", "sv") is None
