"""The cache is a speed-up, never a dependency: while Redis is down, a read is a miss
and a write does nothing, and the page is made from the database as if uncached."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
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


class Near:
    """A process's own copies of cache entries whose key changes with their content (a
    fingerprint or a generation of the data is part of the key): such an entry is never
    replaced by another value, so a copy serves as well as the shared entry, without the
    round trip to Redis nor unpickling it. A copy is kept ``SECONDS`` at most, so that
    what the key does not cover (a renamed municipality on a kept page) lags the shared
    entry's own lifetime by that much only; entries over ``MAX_ENTRY`` bytes are not
    copied, and the least recently used go first once ``MAX_BYTES`` are held. Keys are
    made by the default cache (``make_key``: its prefix and version), as it would."""

    SECONDS = 60
    MAX_BYTES = 32 * 1024 * 1024
    MAX_ENTRY = 4 * 1024 * 1024

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, int, object]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, default=None):
        full = caches["default"].make_key(key)
        with self._lock:
            entry = self._entries.get(full)
            if entry is None:
                return default
            if entry[0] < time.monotonic():
                self._drop(full)
                return default
            self._entries.move_to_end(full)
            return entry[2]

    def set(self, key: str, value: object, *, size: int) -> None:
        """Keep ``value`` (some ``size`` bytes) for ``key``."""
        if size > self.MAX_ENTRY:
            return
        full = caches["default"].make_key(key)
        with self._lock:
            self._drop(full)
            self._entries[full] = (time.monotonic() + self.SECONDS, size, value)
            self._bytes += size
            while self._bytes > self.MAX_BYTES:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, full: str) -> None:
        entry = self._entries.pop(full, None)
        if entry is not None:
            self._bytes -= entry[1]


NEAR = Near()


def kept_fragment(name: str, *vary_on: object) -> SafeString | None:
    """The fragment that ``{% cache … name vary_on… %}`` keeps (in the cache that tag
    keeps fragments in), or None: a view that finds it kept need not build the rows the
    fragment shows, and hands it to the template to show as it is. Only for fragments
    whose ``vary_on`` carries a fingerprint of everything they show (the content is the
    key): the process keeps a copy (``NEAR``), so the next request costs no round trip."""
    key = make_template_fragment_key(name, vary_on)
    kept = NEAR.get(key)
    if kept is None:
        try:
            fragments = caches["template_fragments"]
        except InvalidCacheBackendError:
            fragments = caches["default"]
        kept = fragments.get(key)
        if kept is None:
            return None
        NEAR.set(key, kept, size=len(kept))
    return mark_safe(kept)  # noqa: S308 (rendered by our templates)
