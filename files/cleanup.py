"""Files no record points at any more (a report deleted, a logo replaced, a file left
behind by a process that died mid-write) are removed by a scheduled job.

A file younger than the grace period is kept even when nothing points at it yet: its
record may still be on the way (a render saves the file, then the report row).
Running the job twice removes nothing the second time."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models

from councils import dates
from files.models import StoredFile
from files.storage import DatabaseStorage

log = logging.getLogger(__name__)

#: how long a file nothing points at is kept before it counts as left behind
GRACE = dt.timedelta(hours=6)


def referenced_names(storage: Storage) -> set[str]:
    """Every name a file field of any model (history rows included) holds in
    ``storage``."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage == storage:
                names.update(
                    model._default_manager.exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                )
    return names


def _stored(storage: Storage) -> Iterator[tuple[str, dt.datetime]]:
    """(name, when written) of every file in ``storage``."""
    if isinstance(storage, DatabaseStorage):
        yield from StoredFile.objects.values_list("name", "created_at").iterator()
        return
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        if not root.is_dir():
            return
        for folder, _dirs, filenames in os.walk(root):
            for filename in filenames:
                path = Path(folder) / filename
                written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
                yield path.relative_to(root).as_posix(), written
        return
    raise TypeError(f"Cannot list the files of {type(storage).__name__}")


def remove_unreferenced(
    storage: Storage | None = None, *, grace: dt.timedelta = GRACE
) -> list[str]:
    """Remove the files of ``storage`` (the default storage) that no record points at
    and that are older than ``grace``; the names removed, sorted."""
    storage = storage or default_storage
    keep = referenced_names(storage)
    cutoff = dates.now() - grace
    removed = sorted(
        name for name, written in _stored(storage) if name not in keep and written < cutoff
    )
    for name in removed:
        storage.delete(name)
    if removed:
        log.info("removed %s unreferenced file(s)", len(removed))
    return removed
