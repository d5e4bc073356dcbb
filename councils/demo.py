"""Demo organisations and users for `make run` (Uppsala län).

Each app may have a ``demo.py`` with ``seed(stdout)``; ``manage.py seed_demo`` calls
them in INSTALLED_APPS order, so higher apps add their demo data on top of this.
"""

from __future__ import annotations

from datetime import date, timedelta

from councils import dates
from councils.models import (
    Council,
    CouncilMember,
    County,
    Municipality,
    Organisation,
    PoliceRegion,
    Role,
    User,
    VulnerableArea,
)
from councils.partner_kinds import PartnerKind
from councils.partners import Partnership
from councils.services import (
    coordination_function_set,
    council_create,
    council_member_create,
    decision_create,
    local_police_area_ensure,
    meeting_create,
    membership_grant,
    organisation_ensure_for_county,
    organisation_ensure_for_municipality,
)

DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 - printed for the demo, never used in production

#: username -> (first name, last name, title, [(organisation name, role)])
DEMO_USERS: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {
    "samordnare": (
        "Sara",
        "Lind",
        "Brottsförebyggande samordnare",
        [("Uppsala kommun", Role.COORDINATOR), ("Uppsala kommun", Role.ORG_ADMIN)],
    ),
    "samordnare.enkoping": (
        "Erik",
        "Berg",
        "Trygghetssamordnare",
        [("Enköping kommun", Role.COORDINATOR)],
    ),
    "kommunpolis": (
        "Karin",
        "Holm",
        "Kommunpolis",
        [("Lokalpolisområde Uppsala", Role.POLICE_LIAISON)],
    ),
    "kommunpolis.enkoping": (
        "Johan",
        "Ek",
        "Kommunpolis",
        [("Lokalpolisområde Enköping", Role.POLICE_LIAISON)],
    ),
    "lansstyrelsen": (
        "Lena",
        "Strand",
        "Brottsförebyggande samordnare, länsstyrelsen",
        [("Länsstyrelsen i Uppsala län", Role.COUNTY_OFFICER)],
    ),
    "bra": ("Per", "Nord", "Utredare", [("Brottsförebyggande rådet", Role.READER)]),
    # a housing company partnered with Uppsala: its caretaker reports, its contact follows up
    "bostadsbolag.rapportor": (
        "Rami",
        "Saleh",
        "Fastighetsskötare",
        [("Uppsalahem AB", Role.REPORTER)],
    ),
    "bostadsbolag.kontakt": (
        "Klara",
        "Björk",
        "Trygghetsansvarig",
        [("Uppsalahem AB", Role.CONTACT), ("Uppsalahem AB", Role.ORG_ADMIN)],
    ),
}


def seed(stdout) -> None:
    uppsala_county = County.objects.get(code="03")
    mitt = PoliceRegion.objects.get(name="Mitt")
    uppsala = Municipality.objects.get(code="0380")
    enkoping = Municipality.objects.get(code="0381")
    habo = Municipality.objects.get(code="0305")

    for municipality in (uppsala, enkoping, habo):
        organisation_ensure_for_municipality(municipality=municipality)
    organisation_ensure_for_county(county=uppsala_county)
    local_police_area_ensure(
        name="Lokalpolisområde Uppsala", police_region=mitt, municipalities=[uppsala]
    )
    local_police_area_ensure(
        name="Lokalpolisområde Enköping", police_region=mitt, municipalities=[enkoping, habo]
    )
    Organisation.objects.get_or_create(
        name="Brottsförebyggande rådet", defaults={"kind": Organisation.Kind.NATIONAL}
    )
    housing, _created = Organisation.objects.get_or_create(
        name="Uppsalahem AB", defaults={"kind": Organisation.Kind.PARTNER}
    )
    if housing.partner_kind != PartnerKind.HOUSING:
        housing.partner_kind = PartnerKind.HOUSING
        housing.save(update_fields=["partner_kind"])
    Partnership.objects.get_or_create(
        organisation=housing,
        municipality=uppsala,
        ended_on=None,
        defaults={"started_on": date(2025, 9, 1)},
    )
    for name, category in (
        ("Gottsunda/Valsätra", VulnerableArea.Category.ESPECIALLY_VULNERABLE),
        ("Stenhagen", VulnerableArea.Category.VULNERABLE),
    ):
        VulnerableArea.objects.get_or_create(
            municipality=uppsala, name=name, year_assessed=2025, defaults={"category": category}
        )

    for username, (first, last, title, roles) in DEMO_USERS.items():
        user = _demo_user(username, first_name=first, last_name=last, title=title)
        for organisation_name, role in roles:
            membership_grant(
                user=user, organisation=Organisation.objects.get(name=organisation_name), role=role
            )
    admin = _demo_user("admin", first_name="Ada", last_name="Admin", title="Systemförvaltare")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])

    _seed_councils(uppsala, enkoping)

    stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
    for username in [*DEMO_USERS, "admin"]:
        user = User.objects.get(username=username)
        roles = ", ".join(
            f"{m.get_role_display()} – {m.organisation.name}"
            for m in user.memberships.select_related("organisation")
        )
        stdout.write(f"  {username:<22} {roles or 'superuser'}")


def _demo_user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={**fields, "email": f"{username}@example.se"}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _seed_councils(uppsala: Municipality, enkoping: Municipality) -> None:
    """A crime-prevention council with members, meetings and decisions in Uppsala, a
    safety council in Enköping, and both coordination functions. Created once, by the
    municipalities' coordinators, so their history shows who entered them."""
    today = dates.today()
    Seat = CouncilMember.Role
    coordinator = User.objects.get(username="samordnare")
    if not Council.objects.filter(municipality=uppsala).exists():
        council = council_create(
            user=coordinator,
            municipality=uppsala,
            name="Brottsförebyggande rådet i Uppsala",
            kind=Council.Kind.CRIME_PREVENTION,
            mandate=(
                "Rådet samordnar det brottsförebyggande arbetet mellan Uppsala kommun, "
                "Polisen och andra aktörer. Rådet har mandat från kommunstyrelsen och "
                "lokalpolisområdet att prioritera gemensamma insatser utifrån lägesbilden."
            ),
        )
        members = [
            ("Maria Sund", Seat.CHAIR, "Uppsala kommun", ""),
            ("Sara Lind", Seat.SECRETARY, "Uppsala kommun", ""),
            ("Karin Holm", Seat.MEMBER, "Lokalpolisområde Uppsala", ""),
            ("Ahmed Rahimi", Seat.MEMBER, "Uppsalahem AB", ""),
            ("Eva Dahl", Seat.MEMBER, "", "Räddningstjänsten Storuppsala"),
        ]
        for person, role, organisation, other in members:
            council_member_create(
                user=coordinator,
                council=council,
                person_name=person,
                role=role,
                organisation=Organisation.objects.filter(name=organisation).first(),
                organisation_name=other,
                email=f"{person.split()[0].lower()}@example.se",
                from_date=date(2024, 1, 1),
            )
        council_member_create(
            user=coordinator,
            council=council,
            person_name="Olof Ström",
            organisation_name="Studieförbundet Vuxenskolan",
            from_date=date(2022, 1, 1),
            to_date=date(2023, 12, 31),
        )
        past = meeting_create(
            user=coordinator,
            council=council,
            held_on=today - timedelta(days=45),
            agenda="1. Lägesbild hösten\n2. Medborgarlöfte – uppföljning\n3. Övrigt",
            minutes=(
                "Polisen redovisade lägesbilden för Gottsunda och centrum. Uppsalahem "
                "rapporterade färre skadegörelseärenden efter ny belysning."
            ),
        )
        for text in (
            "Rådet ställer sig bakom lägesbilden och uppdrar åt samordnaren att ta fram "
            "förslag till nästa års medborgarlöfte.",
            "Belysningsinsatsen i Gottsunda centrum förlängs till och med mars.",
        ):
            decision_create(user=coordinator, meeting=past, text=text)
        meeting_create(
            user=coordinator,
            council=council,
            held_on=today + timedelta(days=30),
            agenda="1. Förslag till medborgarlöfte\n2. EST-rapport\n3. Mötesplan nästa år",
        )
    if not hasattr(uppsala, "coordination_function"):
        coordination_function_set(
            user=coordinator,
            municipality=uppsala,
            expected_version=None,
            name="Trygghetsenheten, kommunledningskontoret",
            contact_email="trygghet@example.se",
            contact_phone="018-727 00 00",
            since=date(2023, 7, 1),
        )

    coordinator = User.objects.get(username="samordnare.enkoping")
    if not Council.objects.filter(municipality=enkoping).exists():
        council = council_create(
            user=coordinator,
            municipality=enkoping,
            name="Trygghetsrådet Enköping",
            kind=Council.Kind.SAFETY,
            mandate="Rådet följer tryggheten i kommunen och beslutar om gemensamma insatser.",
        )
        council_member_create(
            user=coordinator,
            council=council,
            person_name="Erik Berg",
            role=Seat.CHAIR,
            organisation=Organisation.objects.filter(name="Enköping kommun").first(),
            from_date=date(2025, 1, 1),
        )
        meeting_create(
            user=coordinator,
            council=council,
            held_on=today + timedelta(days=14),
            agenda="1. Trygghetsvandring i centrum\n2. Sommarlovsaktiviteter",
        )
