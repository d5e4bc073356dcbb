"""Isolation cases of the records and the archive (imported by tests/isolation.py).

A shared version is read with INTERNAL on its municipality; an archive package is
asked for (POST only) on a signed agreement or a published pledge of ``cast.home``.
A user of another organisation gets 404 on GET and POST."""

from __future__ import annotations

from django.utils import timezone

from agreements.models import Agreement, SharedAgreement
from pledges.models import Pledge, SharedPledge
from tests import factories as f
from tests.isolation import Case, Kind, register


def _shared_agreement(cast):
    agreement = f.AgreementFactory(municipality=cast.home)
    shared = SharedAgreement.objects.create(
        agreement=agreement,
        shared_at=timezone.now(),
        shared_with="Lokalpolisområde",
        shared_by=cast.owner,
        snapshot={"title": agreement.title, "signatories": {}},
    )
    return {"pk": shared.pk}


def _shared_pledge(cast):
    pledge = f.PledgeFactory(municipality=cast.home)
    shared = SharedPledge.objects.create(
        pledge=pledge,
        shared_at=timezone.now(),
        shared_with="Lokalpolisområde",
        shared_by=cast.owner,
        snapshot={"fields": {"title": pledge.title}, "activities": {}},
    )
    return {"pk": shared.pk}


def _signed_agreement(cast):
    agreement = f.AgreementFactory(municipality=cast.home)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot={"title": "x"}
    )
    return {"pk": agreement.pk}


def _published_pledge(cast):
    pledge = f.PledgeFactory(
        municipality=cast.home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    return {"pk": pledge.pk}


register("agreement-shared-version", Case(Kind.OBJECT, build=_shared_agreement))
register("pledge-shared-version", Case(Kind.OBJECT, build=_shared_pledge))
# POST only: the owner's GET is refused with 405, after the access check
register("archive-agreement", Case(Kind.OBJECT, build=_signed_agreement, ok_status=405))
register("archive-pledge", Case(Kind.OBJECT, build=_published_pledge, ok_status=405))
register("archive-shared-agreement", Case(Kind.OBJECT, build=_shared_agreement, ok_status=405))
register("archive-shared-pledge", Case(Kind.OBJECT, build=_shared_pledge, ok_status=405))
