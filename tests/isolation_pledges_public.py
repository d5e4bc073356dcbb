"""Isolation cases of pledges/views/public.py (imported by tests/isolation.py).

Every page here is PUBLIC: residents open it without logging in. What they must
never see (drafts, internal comments, responsible persons) is tested in
tests/pledges/test_public_leaks.py.
"""

from __future__ import annotations

from django.utils import timezone

from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register


def _published_pledge(cast) -> dict[str, int]:
    pledge = f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    f.ActivityFactory(pledge=pledge)
    return {"pk": pledge.pk}


register("public-index", Case(Kind.PUBLIC))
register("public-municipality", Case(Kind.PUBLIC, build=lambda cast: {"code": cast.home.code}))
register("public-pledge", Case(Kind.PUBLIC, build=_published_pledge))
register("open-data-pledges", Case(Kind.PUBLIC, build=lambda cast: {"fmt": "csv"}))
register("open-data-activities", Case(Kind.PUBLIC, build=lambda cast: {"fmt": "json"}))
register("open-data-catalogue", Case(Kind.PUBLIC, build=lambda cast: {"fmt": "jsonld"}))
