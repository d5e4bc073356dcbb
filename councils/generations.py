"""Values remembered for a generation of the data: read from the database once, read
again after any save or delete of a watched model.

A ``Generation`` names a set of models (``watch``). Every save and delete of one of them
(cascades included) begins a new generation, at once (the saving transaction's own
reads see it) and again once the transaction commits (a read by another request between
the save and the commit saw the old rows and may have kept them under the generation the
save began: the commit's new one is never that). A bulk write sends no signal: the code
that makes one calls ``changed()`` itself.

While the cache cannot be reached every call is a new generation, so every value is
read from the database. Without a shared cache (the embedded default's per-process
memory) a save reaches the other processes only once their kept values expire:
``seconds`` bounds that lag.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

from councils import background
from councils.cache import NEAR

_MISSING = object()


class Generation:
    def __init__(self, name: str, *, seconds: int) -> None:
        self.name = name
        self.seconds = seconds
        #: the models watched so far (for the gates that every table read is one)
        self.watched: set[type[models.Model]] = set()

    @property
    def _key(self) -> str:
        return f"{self.name}:generation"

    def watch(self, *watched: type[models.Model]) -> None:
        """Every save and delete of ``watched`` begins a new generation."""
        for model in watched:
            self.watched.add(model)
            uid = f"{self.name}-{model._meta.label_lower}"
            post_save.connect(self._changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(self._changed, sender=model, dispatch_uid=f"{uid}-delete")

    def _changed(self, **_signal: Any) -> None:
        self.changed()

    def changed(self) -> None:
        """A new generation now, for this transaction's own reads, and another once it
        commits, for everyone else's (``background.after_commit``)."""
        self.renew()
        background.after_commit(self.renew)

    def renew(self) -> None:
        cache.set(self._key, uuid.uuid4().hex, None)

    def current(self) -> str:
        """The current generation (a new one for each call while the cache cannot be
        reached)."""
        current = cache.get(self._key)
        if current is None:
            current = uuid.uuid4().hex
            if not cache.add(self._key, current, None):
                current = cache.get(self._key, current)
        return current

    def remembered[T](
        self, name: str, compute: Callable[[], T], *, generation: str | None = None
    ) -> T:
        """``compute()``, kept for the current generation (``seconds`` at most; the
        process keeps a copy, ``councils.cache.NEAR``); ``generation``, when the caller
        has read it already (``current()``) to key what it makes of the value."""
        key = f"{self.name}:{generation or self.current()}:{name}"
        value = NEAR.get(key, _MISSING)
        if value is _MISSING:
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
                cache.set(key, value, self.seconds)
            NEAR.set(key, value, size=len(repr(value)))
        return value
