"""The agreement's content in plain JSON: frozen when it is shared for signature
(``councils.sharing``) and when both parties have signed (``signed_snapshot``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from agreements.models import Agreement
from councils.signing import PARTIES


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def agreement_snapshot(agreement: Agreement) -> dict:
    """The agreement's whole content, as signed (or as shared for signature: no
    signature dates yet), in plain JSON."""
    return {
        "title": agreement.title,
        "municipality": agreement.municipality.name,
        "police_areas": [area.name for area in agreement.police_areas.order_by("name")],
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
        "problems": [
            {
                "title": p.title,
                "description": p.description,
                "place": p.place,
                "cause_analysis": p.cause_analysis,
                "perspective": p.get_perspective_display(),
            }
            for p in agreement.problems.order_by("rank", "pk")
        ],
        "focus_areas": [
            {"title": f.title, "description": f.description}
            for f in agreement.focus_areas.order_by("order", "pk")
        ],
        "goals": [
            {
                "text": g.text,
                "focus_area": g.focus_area.title if g.focus_area else "",
                "indicator_name": g.indicator_name,
                "indicator_source": g.indicator_source,
                "indicator_unit": g.indicator_unit,
                "baseline_value": _decimal(g.baseline_value),
                "baseline_year": g.baseline_year,
                "target_value": _decimal(g.target_value),
                "target_year": g.target_year,
            }
            for g in agreement.goals.select_related("focus_area").order_by("order", "pk")
        ],
        "documentation": agreement.documentation,
        "follow_up_by": agreement.follow_up_by,
        "follow_up_frequency": agreement.get_follow_up_frequency_display(),
        "signatories": {
            party: {
                "name": getattr(agreement, f"{party}_signatory_name"),
                "title": getattr(agreement, f"{party}_signatory_title"),
                "signed_on": _iso(getattr(agreement, f"{party}_signed_on")),
            }
            for party in PARTIES
        },
    }
