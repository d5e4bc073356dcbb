"""Isolation cases of attachments/views.py (imported by tests/isolation.py).

Every attachment is on an object of ``cast.home``: the owner lists, uploads,
downloads and removes; a user of another organisation gets 404 for each. The
residents' download is PUBLIC (a public attachment of a published pledge).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments import services
from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _meeting(cast):
    return f.MeetingFactory(council=f.CouncilFactory(municipality=cast.home))


def _attachment(cast, target=None, *, public=False):
    return services.attach(
        target or _meeting(cast),
        upload=SimpleUploadedFile("protokoll.pdf", PDF),
        title="Protokoll",
        kind="minutes",
        public=public,
        user=cast.owner,
    )


def _public(cast):
    pledge = f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    return {"pk": _attachment(cast, pledge, public=True).pk}


register(
    "attachment-list",
    Case(Kind.OBJECT, build=lambda cast: {"target": "meeting", "pk": _meeting(cast).pk}),
)
register(
    "attachment-upload",
    Case(Kind.OBJECT, build=lambda cast: {"target": "meeting", "pk": _meeting(cast).pk}),
)
register("attachment-download", Case(Kind.OBJECT, build=lambda cast: {"pk": _attachment(cast).pk}))
register("attachment-delete", Case(Kind.OBJECT, build=lambda cast: {"pk": _attachment(cast).pk}))
register("public-attachment", Case(Kind.PUBLIC, build=_public))
