"""Isolation cases of partner organisations (issue 17): councils/views/partners.py (the
municipality's partners, a partnership, invitations) and followup/views/partners.py (a
partner's own activities). Imported by tests/isolation.py.

The objects belong to ``cast.home``: its coordinator (the owner) manages its partners;
the housing company's contact, made here, records the follow-ups of its own activity.
A coordinator of another municipality gets 404. Partners of another municipality and
other partners of the same municipality: tests/councils/test_partners.py and
tests/followup/test_partner_activities.py.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from councils import dates
from councils.models import Role
from councils.partners import INVITATION_DAYS, Invitation, Partnership
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.isolation import Case, Kind, register
from tests.partner_fixtures import member, partner


def _partnership(cast) -> Partnership:
    """The housing company's partnership with ``cast.home`` (one, whoever asks first:
    the gates build every case for one cast)."""
    found = Partnership.objects.filter(organisation__name="Isolationsbostäder AB").first()
    if found is None:
        partner("Isolationsbostäder AB", "housing", cast.home)
        found = Partnership.objects.get(organisation__name="Isolationsbostäder AB")
    return found


def _invitation(cast) -> Invitation:
    partnership = _partnership(cast)
    now = dates.now()
    return Invitation.objects.create(
        organisation=partnership.organisation,
        municipality=cast.home,
        email="inbjuden@example.se",
        role=Role.REPORTER,
        nonce=secrets.token_urlsafe(16),
        invited_by=cast.owner,
        sent_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )


def _activity(cast) -> Activity:
    partnership = _partnership(cast)
    if not hasattr(cast, "partner_contact"):
        cast.partner_contact = member("partner_contact", partnership.organisation, Role.CONTACT)
    pledge = f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    return f.ActivityFactory(
        pledge=pledge,
        title="Partnerns hemliga aktivitet",
        responsible_party=Activity.Party.PARTNER,
        responsible_organisation=partnership.organisation,
    )


def _code(cast) -> dict:
    return {"code": cast.home.code}


register("partner-list", Case(Kind.OBJECT, build=_code))
register("partner-create", Case(Kind.OBJECT, build=_code, ok_status=405))
register("partnership-start", Case(Kind.OBJECT, build=_code, ok_status=405))
register("partnership-detail", Case(Kind.OBJECT, build=lambda cast: {"pk": _partnership(cast).pk}))
register("partnership-end", Case(Kind.OBJECT, build=lambda cast: {"pk": _partnership(cast).pk}))
register(
    "invitation-create",
    Case(Kind.OBJECT, build=lambda cast: {"pk": _partnership(cast).pk}, ok_status=405),
)
register(
    "invitation-withdraw",
    Case(Kind.OBJECT, build=lambda cast: {"pk": _invitation(cast).pk}, ok_status=405),
)
# the signed link is the key: anyone holding it opens the page, a junk one is a 404
register(
    "invitation-accept",
    Case(Kind.PUBLIC, build=lambda cast: {"token": _invitation(cast).token()}),
)


def _partners_work(cast) -> list[str]:
    _activity(cast)
    return ["Partnerns hemliga aktivitet", "Isolationsbostäder AB"]


register("partner-activities", Case(Kind.LOGIN, hidden=_partners_work))
register(
    "partner-follow-up-create",
    Case(Kind.OBJECT, build=lambda cast: {"pk": _activity(cast).pk}, viewer="partner_contact"),
)
