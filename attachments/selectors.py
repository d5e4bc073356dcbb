"""Reads of attachments: the list of an object (for its page, its PDF and, later,
the archive package), and what residents may download."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from agreements.models import Agreement
from attachments.models import TARGETS, Attachment
from attachments.services import may_be_public, target_field
from councils.prepared import PreparedObjects
from pledges.models import Pledge


def for_object(obj: models.Model, *, public_only: bool = False) -> QuerySet[Attachment]:
    """The attachments of ``obj`` (a council, meeting, lägesbild, problem, agreement or
    pledge), oldest first; with ``public_only`` those residents may download. The
    archive package calls this: ``for_object(obj)`` and each row's ``file.open()``."""
    rows = for_object_id(target_field(obj), obj.pk)
    if public_only:
        if not may_be_public(obj):
            return rows.none()
        rows = rows.filter(public=True)
    return rows


def _listed(field: str, public_only: bool) -> PreparedObjects:
    def build(target):
        rows = for_object_id(field, target)
        return rows.filter(public=True) if public_only else rows

    return PreparedObjects(build)


def for_object_id(field: str, target: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(**{f"{field}_id": target}).select_related("added_by")


#: an object's attachments (all, or those residents may download) by the kind of
#: object, by SQL made once: for the panel of its page
_LISTED = {(field, public): _listed(field, public) for field in TARGETS for public in (False, True)}


def list_for(obj: models.Model, *, public_only: bool = False) -> list[Attachment]:
    """``list(for_object(obj, public_only=public_only))`` by SQL made once."""
    if public_only and not may_be_public(obj):
        return []
    return _LISTED[target_field(obj), public_only].objects(target=obj.pk)


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
