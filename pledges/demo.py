"""Demo citizen pledges: Uppsala published (2026), Enköping in review, Håbo a draft.

Built through the services, as the users would, so statuses, reviews and
notifications are real. Idempotent: a municipality with pledges is left as it is.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from councils.models import Municipality, Organisation, User
from pledges import services
from pledges.models import Activity, Dialogue, RegionalTheme

ACTIVITIES = [
    (
        "Trygghetsvandringar i centrum",
        "joint",
        "situational",
        "Varje månad, april–oktober",
        "planned",
    ),
    ("Förstärkt belysning vid resecentrum", "municipality", "situational", "", "ongoing"),
    (
        "Polisens närvaro fredags- och lördagskvällar",
        "police",
        "situational",
        "Fredag och lördag kväll",
        "ongoing",
    ),
    (
        "Föräldravandringar med föreningar",
        "partner",
        "social",
        "Helger under skolterminerna",
        "planned",
    ),
    ("Stöd till unga som vill lämna kriminalitet", "joint", "social", "", "planned"),
    ("Trygga entréer och belysning i bostadsområdet", "partner", "situational", "", "ongoing"),
]
#: the demo's housing company (councils.demo), responsible for the activity above
HOUSING = "Uppsalahem AB"


def _pledge(municipality: Municipality, coordinator: User, title: str):
    pledge = services.pledge_create(
        user=coordinator,
        municipality=municipality,
        title=title,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        agreement=municipality.agreements.filter(status="signed").first(),
    )
    pledge.public_text = (
        f"Polisen och {municipality.official_name} lovar att under 2026 arbeta för att fler ska "
        "känna sig trygga i centrum kvällstid och att färre unga dras in i kriminalitet."
    )
    services.pledge_save(user=coordinator, pledge=pledge, expected_version=pledge.version)
    Dialogue.objects.create(
        pledge=pledge,
        kind=Dialogue.Kind.CITIZEN,
        held_on=dt.date(2025, 9, 14),
        participants="Cirka 140 invånare på torget",
        summary="Oro för stök vid resecentrum och för ungas trygghet på helgerna.",
    )
    themes = list(RegionalTheme.objects.filter(police_region=municipality.county.police_region))
    housing = Organisation.objects.filter(
        name=HOUSING, partnerships__municipality=municipality, partnerships__ended_on=None
    ).first()
    for n, (name, party, kind, recurrence, status) in enumerate(ACTIVITIES):
        for_housing = name.startswith("Trygga entréer")
        activity = Activity(
            pledge=pledge,
            title=name,
            description="Genomförs tillsammans med berörda aktörer.",
            responsible_party=party,
            partner_name=(HOUSING if for_housing else "Föreningen Nattvandrarna")
            if party == "partner" and not (for_housing and housing)
            else "",
            responsible_organisation=housing if for_housing else None,
            responsible_name="Sara Lind" if party != "police" else "Karin Holm",
            start_date=dt.date(2026, 2, 1) if not recurrence else None,
            next_follow_up=dt.date(2026, 4, 30) if for_housing else None,
            end_date=dt.date(2026, 11, 30) if not recurrence else None,
            recurrence=recurrence,
            type=kind,
            status=status,
        )
        services.activity_save(
            user=coordinator, activity=activity, themes=themes[n : n + 1] if themes else None
        )
    return pledge


def seed(stdout) -> None:
    call_command("load_regional_themes", stdout=StringIO())
    admin = User.objects.get(username="admin")
    uppsala = Municipality.objects.get(code="0380")
    if not uppsala.pledges.exists():
        pledge = _pledge(
            uppsala, User.objects.get(username="samordnare"), "Medborgarlöfte Uppsala 2026"
        )
        services.pledge_submit(user=User.objects.get(username="samordnare"), pledge=pledge)
        liaison = User.objects.get(username="kommunpolis")
        services.pledge_approve(user=liaison, pledge=pledge, message="Bra, tydliga aktiviteter.")
        services.pledge_sign(
            user=User.objects.get(username="samordnare"),
            pledge=pledge,
            party="municipality",
            name="Erik Pelling",
            title="Kommunstyrelsens ordförande",
            signed_on=dt.date(2026, 1, 20),
        )
        services.pledge_sign(
            user=liaison,
            pledge=pledge,
            party="police",
            name="Anna Berg",
            title="LPO-chef",
            signed_on=dt.date(2026, 1, 21),
        )
    stdout.write("  Uppsala: a signed and published citizen pledge for 2026")
    enkoping = Municipality.objects.get(code="0381")
    if not enkoping.pledges.exists():
        coordinator = User.objects.get(username="samordnare.enkoping")
        pledge = _pledge(enkoping, coordinator, "Medborgarlöfte Enköping 2026")
        services.pledge_submit(user=coordinator, pledge=pledge)
    stdout.write("  Enköping: a citizen pledge waiting for the police review")
    habo = Municipality.objects.get(code="0305")
    if not habo.pledges.exists():
        _pledge(habo, admin, "Medborgarlöfte Håbo 2026")
    stdout.write("  Håbo: a draft citizen pledge")
