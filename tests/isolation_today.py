"""Isolation cases of the start page ("Att göra") and the calendar address (issue 14).

The start page lists only the signed-in user's own work: an outsider (a coordinator of
another municipality) sees none of the owner's municipality's pledges. The calendar
feed answers without a login, so its case is public: a junk token is a 404, never a 5xx
(tests/followup/test_calendar.py proves an outsider's feed holds none of the owner's
records). Making and turning off an address are POSTs of the user's own.
"""

from __future__ import annotations

from pledges.models import Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register


def _owners_work(cast) -> list[str]:
    f.PledgeFactory(
        municipality=cast.home,
        title="Hemlig löftesversion",
        status=Pledge.Status.CHANGES_REQUESTED,
    )
    return [cast.home.name, "Hemlig löftesversion"]


register("home", Case(Kind.LOGIN, hidden=_owners_work))
register("calendar-feed", Case(Kind.PUBLIC, build=lambda cast: {"token": "junk"}))
register("calendar-feed-renew", Case(Kind.LOGIN, ok_status=405))
register("calendar-feed-revoke", Case(Kind.LOGIN, ok_status=405))
