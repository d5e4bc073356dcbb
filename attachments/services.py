"""Writes of attachments: attach a file to an object, remove one.

Both run in the object's lock (its row ``SELECT … FOR UPDATE``), so two uploads to
the same object at once are both kept and the per-object limit counts both. A file
is refused before it is read when it is larger than ``ATTACHMENT_MAX_FILE_BYTES``
(or would take the object over ``ATTACHMENT_MAX_OBJECT_BYTES``), and by its content
otherwise (``attachments.sniffing``). Attachments of a signed agreement or a
published pledge are frozen with it: more can be added, none removed.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from agreements.models import Agreement
from attachments import sniffing
from attachments.models import TARGETS, Attachment
from attachments.sniffing import Refused
from councils import dates, formats
from councils.concurrency import delete_versioned, save_versioned
from pledges.models import Pledge

#: the display name of an uploaded file is at most this long
NAME_LENGTH = 120
_UNSAFE = re.compile(r"[/\\:*?\"<>|]")


def clean_name(name: str) -> str:
    """The uploaded file's name as display text: the last part of any path, without
    control or format characters and path separators, at most ``NAME_LENGTH``
    characters (the ending kept)."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in name
    )
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > NAME_LENGTH:
        stem, dot, ending = name.rpartition(".")
        if dot and 0 < len(ending) <= 10:
            name = stem[: NAME_LENGTH - len(ending) - 1].rstrip() + "." + ending
        else:
            name = name[:NAME_LENGTH].rstrip()
    return name or _("file")


def megabytes(size: int) -> str:
    return formats.number(size / (1024 * 1024), 1)


def target_field(target: models.Model) -> str:
    for name, model in TARGETS.items():
        if isinstance(target, model):
            return name
    raise TypeError(f"Nothing can be attached to {type(target).__name__}")


def may_be_public(target: models.Model) -> bool:
    """Only a published pledge's and a signed agreement's attachments can be public."""
    if isinstance(target, Pledge):
        return target.is_public
    if isinstance(target, Agreement):
        return target.status in (Agreement.Status.SIGNED, Agreement.Status.REPLACED)
    return False


def frozen(target: models.Model) -> bool:
    """A signed agreement's and a published pledge's attachments are part of what was
    signed or published: none can be removed."""
    return may_be_public(target)


def check_size(size: int) -> None:
    limit = settings.ATTACHMENT_MAX_FILE_BYTES
    if size > limit:
        raise Refused(
            _(
                "The file is %(size)s MB; a file may be at most %(limit)s MB. "
                "Accepted file types: %(accepted)s."
            )
            % {"size": megabytes(size), "limit": megabytes(limit), "accepted": sniffing.ACCEPTED}
        )


def _check_object_total(target: models.Model, size: int) -> None:
    field = target_field(target)
    used = Attachment.objects.filter(**{field: target}).aggregate(total=Sum("size"))["total"] or 0
    limit = settings.ATTACHMENT_MAX_OBJECT_BYTES
    if used + size > limit:
        raise Refused(
            _(
                "The attachments of one object may be at most %(limit)s MB together; "
                "%(used)s MB are used, and this file is %(size)s MB."
            )
            % {"limit": megabytes(limit), "used": megabytes(used), "size": megabytes(size)}
        )


def attach(
    target: models.Model,
    *,
    upload,
    title: str,
    kind: str,
    public: bool,
    user,
) -> Attachment:
    """Attach ``upload`` (an uploaded file) to ``target`` as ``user``; ``Refused`` with
    the reason when the file is too large, of a type not accepted, or may not be
    public."""
    check_size(upload.size)
    if public and not may_be_public(target):
        raise Refused(
            _("Only attachments of a published pledge or a signed agreement can be public.")
        )
    sniffed = sniffing.sniff(upload, upload.name or "")
    field = target_field(target)
    with transaction.atomic():
        # the object's row is the lock: uploads to it are counted one after another
        locked = type(target).objects.select_for_update().get(pk=target.pk)
        _check_object_total(locked, upload.size)
        if public and not may_be_public(locked):
            raise Refused(
                _("Only attachments of a published pledge or a signed agreement can be public.")
            )
        attachment = Attachment(
            municipality_id=locked.scope_municipality_id,
            title=title,
            kind=kind,
            original_name=clean_name(upload.name),
            content_type=sniffed.content_type,
            size=upload.size,
            public=public,
            added_by=user,
            added_at=dates.now(),
            **{field: locked},
        )
        upload.seek(0)
        attachment.file.save(f"upload.{sniffed.fmt}", upload, save=False)
        save_versioned(attachment, expected_version=None, user=user)
    return attachment


def remove(attachment: Attachment, *, expected_version: int | None, user) -> None:
    """Remove ``attachment`` at the version the user saw (``Conflict`` when it changed);
    ``Refused`` when its object is signed or published. The history keeps the
    removal; the file goes with the nightly clean-up once nothing points at it."""
    if frozen(attachment.target):
        raise Refused(
            _(
                "The attachments of a signed agreement or a published pledge cannot be "
                "removed. Add a new file to the next version instead."
            )
        )
    delete_versioned(attachment, expected_version=expected_version, user=user)
