"""Reads of attachments: the list of an object (for its page, its PDF and, later,
the archive package), and what residents may download."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from agreements.models import Agreement
from attachments.models import Attachment
from attachments.services import may_be_public, target_field
from pledges.models import Pledge


def for_object(obj: models.Model, *, public_only: bool = False) -> QuerySet[Attachment]:
    """The attachments of ``obj`` (a council, meeting, lägesbild, problem, agreement or
    pledge), oldest first; with ``public_only`` those residents may download. The
    archive package calls this: ``for_object(obj)`` and each row's ``file.open()``."""
    rows = Attachment.objects.filter(**{target_field(obj): obj}).select_related("added_by")
    if public_only:
        if not may_be_public(obj):
            return rows.none()
        rows = rows.filter(public=True)
    return rows


def public_attachments() -> QuerySet[Attachment]:
    """Every attachment a resident may download: public, on a published pledge or a
    signed (or replaced) agreement."""
    return Attachment.objects.filter(public=True).filter(
        models.Q(pledge__status__in=Pledge.PUBLIC_STATUSES)
        | models.Q(agreement__status__in=[Agreement.Status.SIGNED, Agreement.Status.REPLACED])
    )


def public_attachment_or_404(pk: int) -> Attachment:
    """The public attachment ``pk`` for anyone, signed in or not; 404 for any other."""
    return get_object_or_404(public_attachments(), pk=pk)
