"""Isolation cases of followup/views/entries.py (imported by tests/isolation.py).

Every object is built for ``cast.home``, where ``cast.owner`` is coordinator, on a
signed and published pledge: the owner opens it, a user of another organisation gets
404 on GET and POST.
"""

from __future__ import annotations

from django.utils import timezone

from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register


def _pledge(cast):
    return f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )


def _activity(cast):
    return f.ActivityFactory(pledge=_pledge(cast))


register("follow-up-create", Case(Kind.OBJECT, build=lambda cast: {"pk": _activity(cast).pk}))
register("pledge-follow-up", Case(Kind.OBJECT, build=lambda cast: {"pk": _pledge(cast).pk}))
# POST only: the owner's GET is refused with 405, after the access check
register(
    "pledge-mark-followed-up",
    Case(Kind.OBJECT, build=lambda cast: {"pk": _pledge(cast).pk}, ok_status=405),
)
register("plan-follow-up", Case(Kind.OBJECT, build=lambda cast: {"pk": _pledge(cast).pk}))
register(
    "follow-up-publish",
    Case(
        Kind.OBJECT,
        build=lambda cast: {"pk": f.FollowUpFactory(activity=_activity(cast)).pk},
        ok_status=405,
    ),
)
