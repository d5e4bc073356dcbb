"""Optimistic concurrency: every editable record carries a version.

A form sends back the version it was filled in against; the service saves only if
that is still the stored version, and otherwise raises ``Conflict`` with the stored
record, so the page can show the other person's values beside the user's own.
Never a silent overwrite.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Conflict(Exception):
    """Someone else saved the record after the user opened it."""

    def __init__(self, current: Versioned):
        super().__init__(
            f"{type(current).__name__} {current.pk} changed to version {current.version}"
        )
        self.current = current


def save_versioned(instance: Versioned, *, expected_version: int | None, user=None) -> None:
    """Save ``instance`` if the stored version is ``expected_version``; bump the version.

    The stored row is locked for the check (SELECT … FOR UPDATE on PostgreSQL; SQLite
    takes the write lock when the transaction begins), so two saves cannot both pass.
    A new instance (no pk) is simply created at version 1. ``user`` is recorded as
    the author in the record's history (the request's user is the default).
    """
    if user is not None:
        instance._history_user = user
    with transaction.atomic():
        if instance.pk is None:
            instance.version = 1
            instance.save()
            return
        current = lock_at_version(instance, expected_version)
        instance.version = current.version + 1
        instance.save()


def lock_at_version(instance: Versioned, expected_version: int | None) -> Versioned:
    """Lock the stored row of ``instance`` and return it, if it is ``expected_version``.

    Call inside a transaction; raises ``Conflict`` when someone saved since.
    """
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected_version is None or current.version != int(expected_version):
        raise Conflict(current)
    return current
