"""Optimistic concurrency: every editable record carries a version.

A form sends back the version it was filled in against; the service saves only if
that is still the stored version, and otherwise raises ``Conflict`` with the stored
record, so the page can show the other person's values beside the user's own.
Never a silent overwrite. A delete is checked the same way: the confirmation page
sends back the version the user saw.

Nothing else sets ``version`` or ``_history_user`` (tests/test_kit_gates_versions.py):

- ``save_versioned``: an edit the user made, at the version they saw;
- ``bump``: a change a service makes itself to a row it holds (a status, a rank);
  ``renumber`` and ``move`` keep an ordered list (ranks, an order) numbered 1, 2, 3 …
  through it;
- ``delete_versioned``: a delete, at the version the user saw (a soft delete is a
  ``save_versioned`` of the row with its ``deleted_at`` set);
- ``save_tracked`` / ``delete_tracked``: records that carry no version (they are
  never edited, or belong to the system), with the user in their history.
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

    Call inside a transaction; raises ``Conflict`` when someone saved since, and when
    no version is given (a form or confirmation that sent none is treated as stale).
    """
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected_version is None or current.version != int(expected_version):
        raise Conflict(current)
    return current


def bump(instance: Versioned, *, user, update_fields: list[str] | None = None) -> None:
    """Save a change the service made itself (a status, a rank) as a new version by
    ``user``. Call it on a row the service has locked or just loaded inside its
    transaction: there is no version to compare with."""
    instance.version += 1
    instance._history_user = user
    if update_fields is None:
        instance.save()
    else:
        stamped = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*update_fields, "version", *stamped])


def renumber(rows: list[Versioned], field: str, *, user) -> None:
    """Number ``rows`` (locked, in their order) 1, 2, 3 … in ``field``; each row whose
    number changes is saved as a new version by ``user``."""
    for position, row in enumerate(rows, start=1):
        if getattr(row, field) != position:
            setattr(row, field, position)
            bump(row, user=user)


def move(rows: list[Versioned], row: Versioned, direction: str, field: str, *, user) -> bool:
    """Move ``row`` one place "up" or "down" in ``rows`` (locked, in their order) and
    ``renumber`` them; False, and nothing changed, when it is already at that end."""
    index = next(i for i, other in enumerate(rows) if other.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    renumber(rows, field, user=user)
    return True


def delete_versioned(instance: Versioned, *, expected_version: int | None, user) -> None:
    """Delete ``instance`` if the stored version is ``expected_version`` (a missing one
    is a ``Conflict`` too); its history records the deletion as ``user``'s."""
    with transaction.atomic():
        lock_at_version(instance, expected_version)
        delete_tracked(instance, user=user)


def save_tracked(instance: models.Model, *, user, update_fields: list[str] | None = None) -> None:
    """Save a record that carries no version, recording ``user`` in its history."""
    instance._history_user = user
    instance.save(update_fields=update_fields)


def delete_tracked(instance: models.Model, *, user) -> None:
    """Delete a record (a versioned one through ``delete_versioned``), recording ``user``."""
    instance._history_user = user
    instance.delete()
