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

    for user in users:
        user.email = f"{user.username}@bench.example"
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


# --- pledges ------------------------------------------------------------------------

from datetime import date, timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from pledges.models import Activity, Dialogue, Pledge  # noqa: E402

PLEDGE_YEAR = 2026
ACTIVITIES_PER_PLEDGE = 8
#: Stockholm's coordinator has a pledge with this many activities in review
REVIEW_MUNICIPALITY = "0180"
REVIEW_ACTIVITIES = 60
BENCH_PLEDGE = "Bench: "


def _activities(pledge: Pledge, count: int, year: int = PLEDGE_YEAR) -> list[Activity]:
    parties = list(Activity.Party)
    statuses = list(Activity.Status)
    start = date(year, 1, 15)
    activities = []
    for n in range(count):
        party = parties[n % len(parties)]
        recurring = n % 3 == 2
        activities.append(
            Activity(
                pledge=pledge,
                title=f"Aktivitet {n + 1}: trygghetsvandring i område {n % 7 + 1}",
                description="Gemensam vandring med boende, fastighetsägare och polis.",
                responsible_party=party,
                partner_name="Bostadsbolaget AB" if party == Activity.Party.PARTNER else "",
                responsible_name=f"Handläggare {n + 1}",
                responsible_email=f"handlaggare{n + 1}@example.se",
                start_date=None if recurring else start + timedelta(days=7 * n),
                end_date=None if recurring else start + timedelta(days=7 * n + 60),
                recurrence="Varje fredag kväll" if recurring else "",
                type=Activity.Type.SOCIAL if n % 2 else Activity.Type.SITUATIONAL,
                status=statuses[n % len(statuses)],
                order=n + 1,
            )
        )
    return activities


@transaction.atomic
def seed_pledges(stdout=print) -> None:
    """A published pledge for the year in every municipality, with its activities, and
    one pledge of 60 activities in review in Stockholm (the editor and review pages)."""
    if Pledge.objects.filter(title__startswith=BENCH_PLEDGE).exists():
        stdout("pledges already seeded")
        return
    now = timezone.now()
    signed_on = date(PLEDGE_YEAR, 1, 10)
    municipalities = list(Municipality.objects.order_by("code"))
    pledges = Pledge.objects.bulk_create(
        Pledge(
            municipality=m,
            title=f"{BENCH_PLEDGE}Medborgarlöfte {m.name} {PLEDGE_YEAR}",
            period_start=date(PLEDGE_YEAR, 1, 1),
            period_end=date(PLEDGE_YEAR, 12, 31),
            public_text=(
                f"Polisen och {m.name} kommun lovar att tillsammans arbeta för en tryggare "
                "stadskärna: fler vuxna ute kvällstid, bättre belysning och snabbare klotter-"
                "sanering."
            ),
            status=Pledge.Status.PUBLISHED,
            published_at=now,
            municipality_signatory_name=f"Ordförande {m.code}",
            municipality_signatory_title="Kommunstyrelsens ordförande",
            municipality_signed_on=signed_on,
            police_signatory_name=f"LPO-chef {m.code}",
            police_signatory_title="LPO-chef",
            police_signed_on=signed_on,
        )
        for m in municipalities
    )
    stockholm, published = next(
        (m, p)
        for m, p in zip(municipalities, pledges, strict=True)
        if m.code == REVIEW_MUNICIPALITY
    )
    in_review = Pledge.objects.create(
        municipality=stockholm,
        replaces=published,
        title=f"{BENCH_PLEDGE}Medborgarlöfte {stockholm.name} {PLEDGE_YEAR}, ny version",
        period_start=date(PLEDGE_YEAR, 1, 1),
        period_end=date(PLEDGE_YEAR, 12, 31),
        public_text="Ny version av löftet, med fler aktiviteter.",
        status=Pledge.Status.IN_REVIEW,
        submitted_at=now,
        submitted_by=User.objects.get(username=f"coord{REVIEW_MUNICIPALITY}"),
    )
    Dialogue.objects.bulk_create(
        Dialogue(
            pledge=p,
            kind=Dialogue.Kind.CITIZEN,
            held_on=date(PLEDGE_YEAR - 1, 9, 14),
            participants="Cirka 140 invånare",
            summary="Många upplever otrygghet vid resecentrum kvällstid.",
        )
        for p in [*pledges, in_review]
    )
    activities = [a for p in pledges for a in _activities(p, ACTIVITIES_PER_PLEDGE)]
    activities += _activities(in_review, REVIEW_ACTIVITIES)
    for chunk in _chunks(activities, 1000):
        Activity.objects.bulk_create(chunk)
    stdout(
        f"seeded {len(pledges)} published pledges with {ACTIVITIES_PER_PLEDGE} activities each, "
        f"and one in review with {REVIEW_ACTIVITIES} activities ({stockholm.name})"
    )


seed_layers.append(seed_pledges)


# --- follow-up: several years of pledges, 50 000+ activities, 300 000+ follow-ups -----

from followup.models import FollowUp  # noqa: E402

HISTORY_YEARS = (2022, 2023, 2024, 2025)
HISTORY_ACTIVITIES = 44  # per municipality and year: 290 × 4 × 44 = 51 040
FOLLOW_UPS_PER_ACTIVITY = 6  # 51 040 × 6 = 306 240


@transaction.atomic
def seed_followups(stdout=print) -> None:
    if FollowUp.objects.exists():
        stdout("follow-ups already seeded")
        return
    reporter = User.objects.get(username="national")
    municipalities = list(Municipality.objects.order_by("code"))
    old = Pledge.objects.bulk_create(
        Pledge(
            municipality=m,
            title=f"{BENCH_PLEDGE}Medborgarlöfte {m.name} {year}",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            public_text="Tidigare års löfte.",
            status=Pledge.Status.FOLLOWED_UP,
        )
        for year in HISTORY_YEARS
        for m in municipalities
    )
    for chunk in _chunks([a for p in old for a in _activities(p, HISTORY_ACTIVITIES)], 5000):
        Activity.objects.bulk_create(chunk)
    # this year's activities: half due within a week, a tenth overdue (reminders)
    today = timezone.localdate()
    current = Activity.objects.filter(pledge__period_start__year=PLEDGE_YEAR)
    for n, activity in enumerate(current.only("pk")):
        due = (
            today + timedelta(days=3)
            if n % 2
            else today - timedelta(days=5 if n % 10 == 0 else -40)
        )
        Activity.objects.filter(pk=activity.pk).update(next_follow_up=due)
    historical = Activity.objects.filter(pledge__in=old).values_list("pk", "pledge__period_start")
    rows = (
        FollowUp(
            activity_id=pk,
            period_start=start + timedelta(days=61 * n),
            period_end=start + timedelta(days=61 * n + 60),
            status=Activity.Status.ONGOING
            if n < FOLLOW_UPS_PER_ACTIVITY - 1
            else Activity.Status.DONE,
            progress=min(100, 20 * (n + 1)),
            done="Genomfört enligt plan.",
            published=n % 2 == 0,
            reported_by=reporter,
        )
        for pk, start in historical.iterator(chunk_size=5000)
        for n in range(FOLLOW_UPS_PER_ACTIVITY)
    )
    for chunk in _chunks(rows, 10000):
        FollowUp.objects.bulk_create(chunk)
    stdout(
        f"seeded {len(old)} earlier pledges, {Activity.objects.count()} activities and "
        f"{FollowUp.objects.count()} follow-ups"
    )


seed_layers.append(seed_followups)


# --- drafts that the mixed workload's coordinators edit -------------------------------

DRAFT_YEAR = PLEDGE_YEAR + 1
#: municipalities (by code order, Stockholm left out: its pledge is in review) whose
#: coordinator has a draft for next year with ACTIVITIES_PER_PLEDGE activities
DRAFT_MUNICIPALITIES = 24


#: Göteborg's coordinator has a draft of this many activities (the editable editor page)
EDITOR_DRAFT_MUNICIPALITY = "1480"


def draft_pledges():
    """The drafts the mixed workload edits (Göteborg's big draft left out)."""
    return Pledge.objects.filter(
        title__startswith=BENCH_PLEDGE, status=Pledge.Status.DRAFT, period_start__year=DRAFT_YEAR
    ).exclude(municipality__code=EDITOR_DRAFT_MUNICIPALITY)


@transaction.atomic
def seed_drafts(stdout=print) -> None:
    if draft_pledges().exists():
        stdout("draft pledges already seeded")
        return
    municipalities = Municipality.objects.exclude(code=REVIEW_MUNICIPALITY).order_by("code")
    drafts = Pledge.objects.bulk_create(
        Pledge(
            municipality=m,
            title=f"{BENCH_PLEDGE}Medborgarlöfte {m.name} {DRAFT_YEAR}, utkast",
            period_start=date(DRAFT_YEAR, 1, 1),
            period_end=date(DRAFT_YEAR, 12, 31),
            public_text="Utkast till nästa års löfte.",
        )
        for m in municipalities[:DRAFT_MUNICIPALITIES]
    )
    Activity.objects.bulk_create(
        a for p in drafts for a in _activities(p, ACTIVITIES_PER_PLEDGE, DRAFT_YEAR)
    )
    stdout(f"seeded {len(drafts)} draft pledges for {DRAFT_YEAR} (the mixed workload edits them)")


seed_layers.append(seed_drafts)


@transaction.atomic
def seed_editor_draft(stdout=print) -> None:
    """A draft for next year with REVIEW_ACTIVITIES activities in Göteborg: the editable
    editor page (the one in review is Stockholm's)."""
    goteborg = Municipality.objects.get(code=EDITOR_DRAFT_MUNICIPALITY)
    drafts = Pledge.objects.filter(
        municipality=goteborg, title__startswith=BENCH_PLEDGE, status=Pledge.Status.DRAFT
    )
    if drafts.exists():
        stdout("the editor's draft already seeded")
        return
    draft = Pledge.objects.create(
        municipality=goteborg,
        title=f"{BENCH_PLEDGE}Medborgarlöfte {goteborg.name} {DRAFT_YEAR}, utkast",
        period_start=date(DRAFT_YEAR, 1, 1),
        period_end=date(DRAFT_YEAR, 12, 31),
        public_text="Utkast till nästa års löfte, med många aktiviteter.",
    )
    Activity.objects.bulk_create(_activities(draft, REVIEW_ACTIVITIES, DRAFT_YEAR))
    stdout(f"seeded a draft with {REVIEW_ACTIVITIES} activities ({goteborg.name})")


seed_layers.append(seed_editor_draft)

from bench.seed_est import seed_est  # noqa: E402

seed_layers.append(seed_est)


def seed(stdout=print) -> None:
    for layer in seed_layers:
        layer(stdout)


if __name__ == "__main__":
    seed()
