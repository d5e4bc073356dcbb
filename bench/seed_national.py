"""A national-scale synthetic data set for the benchmarks.

All 290 municipalities with their organisations, about 100 local police areas,
21 county boards and a user per role. Later issues add several years of
agreements, pledges, activities and follow-ups through ``seed_layers`` below.

Run through ``python -m bench.run`` (``make bench``); idempotent.
"""

from __future__ import annotations

import os
from itertools import islice

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from councils.models import (  # noqa: E402
    County,
    LocalPoliceArea,
    Membership,
    Municipality,
    Organisation,
    Role,
    User,
)

PASSWORD = "bench-password"  # noqa: S105
MUNICIPALITIES_PER_POLICE_AREA = 3


def _chunks(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def seed_councils(stdout=print) -> None:
    if Organisation.objects.filter(name="Bench: Brå").exists():
        stdout("national data set already seeded")
        return
    password = make_password(PASSWORD)
    users: list[User] = []
    memberships: list[tuple[str, str, str]] = []  # username, organisation name, role

    municipality_orgs = [
        Organisation(name=f"Bench: {m.name} kommun", kind="municipality", municipality=m)
        for m in Municipality.objects.all()
    ]
    Organisation.objects.bulk_create(municipality_orgs)
    for org in municipality_orgs:
        code = org.municipality.code
        users.append(
            User(
                username=f"coord{code}", password=password, first_name="Samordnare", last_name=code
            )
        )
        memberships.append((f"coord{code}", org.name, Role.COORDINATOR))

    for county in County.objects.select_related("police_region"):
        board = Organisation.objects.create(
            name=f"Bench: Länsstyrelsen i {county.name}", kind="county_board", county=county
        )
        users.append(
            User(
                username=f"county{county.code}",
                password=password,
                first_name="Län",
                last_name=county.code,
            )
        )
        memberships.append((f"county{county.code}", board.name, Role.COUNTY_OFFICER))
        municipalities = list(county.municipalities.order_by("code"))
        for n, group in enumerate(_chunks(municipalities, MUNICIPALITIES_PER_POLICE_AREA), start=1):
            area = LocalPoliceArea.objects.create(
                name=f"Bench: LPO {county.short_name} {n}", police_region=county.police_region
            )
            area.municipalities.set(group)
            org = Organisation.objects.create(
                name=area.name, kind="police_area", local_police_area=area
            )
            username = f"police{county.code}{n:02d}"
            users.append(
                User(
                    username=username,
                    password=password,
                    first_name="Kommunpolis",
                    last_name=area.name,
                )
            )
            memberships.append((username, org.name, Role.POLICE_LIAISON))

    national = Organisation.objects.create(name="Bench: Brå", kind="national")
    users.append(User(username="national", password=password, first_name="Brå", last_name="Läsare"))
    memberships.append(("national", national.name, Role.READER))

    User.objects.bulk_create(users)
    user_ids = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
    )
    org_ids = dict(
        Organisation.objects.filter(name__startswith="Bench: ").values_list("name", "pk")
    )
    Membership.objects.bulk_create(
        Membership(user_id=user_ids[u], organisation_id=org_ids[o], role=r)
        for u, o, r in memberships
    )
    stdout(
        f"seeded {len(municipality_orgs)} municipality organisations, "
        f"{LocalPoliceArea.objects.filter(name__startswith='Bench: ').count()} local police areas, "
        f"{len(users)} users"
    )


#: Each later layer (agreements, pledges, follow-up) appends its seeding function.
seed_layers = [seed_councils]


def seed(stdout=print) -> None:
    for layer in seed_layers:
        layer(stdout)


if __name__ == "__main__":
    seed()
