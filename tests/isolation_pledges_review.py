"""Isolation cases of pledges/views/review.py (imported by tests/isolation.py).

Review pages are opened by the police liaison of the local police area that covers
``cast.home``; the outsider (another municipality, another county) gets 404.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register

S = Pledge.Status


def _pledge(cast, **fields):
    return f.PledgeFactory(municipality=cast.home, title="Hembys hemliga utkast", **fields)


def _in_review(cast):
    return _pledge(cast, status=S.IN_REVIEW, submitted_at=timezone.now(), submitted_by=cast.owner)


def _approved(cast):
    return _pledge(cast, status=S.APPROVED, submitted_at=timezone.now() - dt.timedelta(days=2))


def _object(build, *, viewer: str = "liaison", status: int = 200) -> Case:
    return Case(Kind.OBJECT, build=build, viewer=viewer, ok_status=status)


def _titles_in_home(cast) -> list[str]:
    return list(Pledge.objects.filter(municipality=cast.home).values_list("title", flat=True))


def _queue(cast):
    _in_review(cast)
    _approved(cast)
    return {}


register("review-queue", Case(Kind.LOGIN, build=_queue, hidden=_titles_in_home, viewer="liaison"))
register("pledge-review", _object(lambda cast: {"pk": _in_review(cast).pk}))
register(
    "pledge-sign",
    _object(lambda cast: {"pk": _approved(cast).pk, "party": "police"}),
)
# Actions that only take POST: a permitted GET is refused with 405, after the access check.
register("pledge-approve", _object(lambda cast: {"pk": _in_review(cast).pk}, status=405))
register("pledge-request-changes", _object(lambda cast: {"pk": _in_review(cast).pk}, status=405))
register(
    "pledge-comment",
    _object(lambda cast: {"pk": _in_review(cast).pk}, viewer="owner", status=405),
)


def _comment(cast):
    pledge = _in_review(cast)
    return {"pk": f.PledgeCommentFactory(pledge=pledge, author=cast.liaison).pk}


register("comment-resolve", _object(_comment, viewer="owner", status=405))


def _notifications(cast):
    f.NotificationFactory(user=cast.liaison, pledge=_in_review(cast))
    return {}


register(
    "notification-list",
    Case(Kind.LOGIN, build=_notifications, hidden=_titles_in_home, viewer="liaison"),
)
register("notifications-read", Case(Kind.LOGIN, viewer="liaison", ok_status=405))
