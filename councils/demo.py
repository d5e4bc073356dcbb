"""Demo organisations and users for `make run` (Uppsala län).

Each app may have a ``demo.py`` with ``seed(stdout)``; ``manage.py seed_demo`` calls
them in INSTALLED_APPS order, so higher apps add their demo data on top of this.
"""

from __future__ import annotations

from councils.models import (
    County,
    Municipality,
    Organisation,
    PoliceRegion,
    Role,
    User,
    VulnerableArea,
)
from councils.services import (
    local_police_area_ensure,
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
    Organisation.objects.get_or_create(
        name="Uppsalahem AB", defaults={"kind": Organisation.Kind.PARTNER}
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
