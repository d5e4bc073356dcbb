"""Shared builders for the tests of the residents' pages and the open data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pledges.models import Pledge
from tests import factories as f

PUBLISHED = Pledge.Status.PUBLISHED


def published(municipality, **kwargs) -> Pledge:
    """A pledge signed by both parties and published."""
    fields = {
        "status": PUBLISHED,
        "published_at": timezone.now(),
        "municipality_signatory_name": "Karin Ordförande",
        "municipality_signatory_title": "Kommunstyrelsens ordförande",
        "municipality_signed_on": dt.date(2026, 1, 20),
        "police_signatory_name": "Per Polischef",
        "police_signatory_title": "LPO-chef",
        "police_signed_on": dt.date(2026, 1, 22),
    }
    fields.update(kwargs)
    return f.PledgeFactory(municipality=municipality, **fields)
