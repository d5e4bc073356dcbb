"""The cache is a speed-up, never a dependency: while Redis is down, a read is a miss
and a write does nothing, and the page is made from the database as if uncached."""

from __future__ import annotations

import functools
import hashlib
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.template.loader import get_template
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _tolerant(method, fallback):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            log.warning("cache unavailable (%s): %s answered without it", error, method.__name__)
            return fallback(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


class ReusedClient(RedisCacheClient):
    """Django's Redis client makes a new ``redis.Redis`` for every call (some 170
    response callbacks set up each time: a tenth of a millisecond on every cached
    session read); this one keeps one per connection pool. ``redis.Redis`` is safe to
    share between threads: each command borrows a connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    get = _tolerant(RedisCache.get, _default)
    get_many = _tolerant(RedisCache.get_many, lambda *a, **k: {})
    has_key = _tolerant(RedisCache.has_key, lambda *a, **k: False)
    add = _tolerant(RedisCache.add, lambda *a, **k: False)
    set = _tolerant(RedisCache.set, lambda *a, **k: None)
    set_many = _tolerant(RedisCache.set_many, lambda *a, **k: [])
    touch = _tolerant(RedisCache.touch, lambda *a, **k: False)
    delete = _tolerant(RedisCache.delete, lambda *a, **k: False)
    delete_many = _tolerant(RedisCache.delete_many, lambda *a, **k: None)
    clear = _tolerant(RedisCache.clear, lambda *a, **k: None)


@functools.cache
def template_version(name: str) -> str:
    """A digest of template ``name``'s source, made once per process: in the key of a
    fragment kept rendered, so that a deployed change to the template is not hidden
    behind fragments rendered by the one before it."""
    return hashlib.sha256(get_template(name).template.source.encode()).hexdigest()[:16]


def key(namespace: str, *parts: object) -> tuple[str, str]:
    """A cache key for what ``parts`` (a fingerprint of the data, the format, the
    address …) determine, and its digest (for an ETag): ``namespace`` names the kind of
    entry and its layout version (``"open-data:2"``); bump it when the entry changes."""
    digest = hashlib.sha256(" ".join(str(part) for part in parts).encode()).hexdigest()
    return f"{namespace}:{digest}", digest
