"""When a draft is shared with another authority: who it went to, when, and the
version exactly as it was shared.

Under the principle of public access (TF 2 kap.) a draft made available to another
authority can become an official record (HFD 2011 ref. 52). The services that share
a draft (an agreement sent for signature, a pledge sent for review) record the moment
on the document (``shared_for_signature_at``, ``submitted_at``) and its receiver in
its ``shared_with`` field (so the record's history shows both), and keep one
``SharedVersion`` row per sharing: the document's content in the same plain JSON its
signed snapshot uses, frozen (no later edit of the draft changes it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from councils.validators import single_line

#: the longest receiver a document records
SHARED_WITH_MAX = 300


class SharedVersion(models.Model):
    """One sharing of a draft: the moment, the receiving organisation(s), the sender
    and the content as shared. Concrete subclasses add the foreign key to their
    document; rows are written once and never changed."""

    shared_at = models.DateTimeField(_lazy("shared"), editable=False)
    shared_with = models.CharField(
        _lazy("shared with"), max_length=SHARED_WITH_MAX, validators=[single_line], editable=False
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("shared by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    #: the document's content as shared (the same shape as its signed snapshot)
    snapshot = models.JSONField(editable=False)

    class Meta:
        abstract = True
        ordering = ["-shared_at", "-pk"]


def receivers(police_areas) -> str:
    """The names of the organisations of ``police_areas`` (a queryset of local police
    areas): who a draft shared with the police reaches. An area without an organisation
    in the service is named by itself; none at all is the Swedish Police Authority."""
    names = set()
    for area in police_areas.select_related("organisation"):
        organisation = getattr(area, "organisation", None)  # none: AttributeError's kin
        names.add(organisation.name if organisation is not None else area.name)
    if not names:
        with translation.override(settings.LANGUAGE_CODE):  # stored: in Swedish
            return _("the Swedish Police Authority")
    return ", ".join(sorted(names))[:SHARED_WITH_MAX]


def record(model: type[SharedVersion], *, user, shared_at, shared_with: str, snapshot, **document):
    """Keep the version just shared (``document``: the subclass's foreign key)."""
    return model.objects.create(
        shared_at=shared_at,
        shared_with=shared_with,
        shared_by=user,
        snapshot=snapshot,
        **document,
    )
