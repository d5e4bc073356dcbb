"""EST at national size: partners, places and over a million incident reports.

Every municipality gets partner organisations (a housing company, a school and a rescue
service; the four big cities a security and a transport company as well), each with an
active partnership and a reporter, and the housing company a contact. Places are spread
over areas (the big cities 10 areas of 6 places, the rest 2 of 4). Reports run from 14
days before the retention cutoff to today, about 0.57 a place and day: over 1 000 000
reports within the retention age, loaded with PostgreSQL COPY (in one transaction with
the rest, so a half-done seed leaves nothing). The weekly totals are then filled from
the loaded reports exactly as ``est.services`` keeps them (a total per place, category
and week, adding count and cost) and checked against the reports.

The reports of the 14 days before the retention cutoff are what the bench's retention
row deletes; ``ensure_expiring`` puts back the days that a previous run deleted (as
late reports, adding to the totals as the app would), so every run deletes about as
much. Idempotent: a seeded database (Stockholm has bench places) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from councils import dates
from councils.models import Membership, Municipality, Organisation, Role, User
from councils.partner_kinds import PartnerKind
from councils.partners import Partnership
from est.models import Category, Place, Report
from est.services import retention_cutoff, week_of
from est.usual import put_usual_categories

PASSWORD = "bench-password"  # noqa: S105
#: the big cities: more places, more partners (Stockholm's weekly picture is benched)
BIG = ("0180", "1480", "1280", "0380")
EST_MUNICIPALITY = "0180"
PARTNERS = [
    (PartnerKind.HOUSING, "Bostadsbolaget"),
    (PartnerKind.SCHOOL, "Skolorna"),
    (PartnerKind.RESCUE, "Räddningstjänsten"),
]
BIG_PARTNERS = [(PartnerKind.SECURITY, "Bevakning"), (PartnerKind.TRANSPORT, "Kollektivtrafiken")]
STREETS = ["Storgatan", "Torget", "Skolgården", "Trappuppgång", "Parken", "Centrum", "Stationen"]
KINDS = [
    Place.Kind.STREET,
    Place.Kind.SQUARE,
    Place.Kind.SCHOOL_YARD,
    Place.Kind.STAIRWELL,
    Place.Kind.PARK,
    Place.Kind.CENTRE,
    Place.Kind.STATION,
]
#: reports per place and day (a Bernoulli draw per place and day)
RATE = 0.57
#: the days before the retention cutoff that the seed loads (the retention row deletes them)
EXPIRING_DAYS = 14
#: the usual categories' weights (skadegörelse and nedskräpning most often)
WEIGHTS = {
    "skadegorelse": 20,
    "klotter": 15,
    "nedskrapning": 18,
    "anlagd-brand": 4,
    "inbrott": 5,
    "ordningsstorning": 12,
    "narkotika": 6,
    "samlingar": 8,
    "hot-och-vald": 3,
    "trafik": 5,
    "annat": 4,
}
COLUMNS = (
    "version, occurred_on, time_band, occurred_at, week, count, cost, description, checklist, "
    "created_at, category_id, municipality_id, organisation_id, place_id, reported_by_id"
)
BANDS = ["morning", "afternoon", "evening", "night", ""]


def partner_username(code: str, n: int) -> str:
    """The reporter of the municipality's ``n``-th partner (1: the housing company)."""
    return f"rep{code}_{n}"


def contact_username(code: str) -> str:
    """The housing company's contact (and organisation administrator)."""
    return f"contact{code}"


def seeded() -> bool:
    return Place.objects.filter(
        municipality__code=EST_MUNICIPALITY, name__startswith="Bench"
    ).exists()


def _partners(municipalities, stdout) -> None:
    password = make_password(PASSWORD)
    started = dt.date(2024, 1, 1)
    orgs, partnerships, users, grants = [], [], [], []
    for m in municipalities:
        kinds = PARTNERS + (BIG_PARTNERS if m.code in BIG else [])
        for n, (kind, name) in enumerate(kinds, start=1):
            org = Organisation(
                name=f"Bench: {name} i {m.name} ({m.code})",
                kind=Organisation.Kind.PARTNER,
                partner_kind=kind,
            )
            orgs.append(org)
            partnerships.append((org, m))
            username = partner_username(m.code, n)
            users.append(
                User(username=username, password=password, email=f"{username}@bench.example")
            )
            grants.append((username, org, Role.REPORTER))
            if n == 1:
                contact = contact_username(m.code)
                users.append(
                    User(username=contact, password=password, email=f"{contact}@bench.example")
                )
                grants += [(contact, org, Role.CONTACT), (contact, org, Role.ORG_ADMIN)]
    Organisation.objects.bulk_create(orgs)
    Partnership.objects.bulk_create(
        Partnership(organisation=org, municipality=m, started_on=started) for org, m in partnerships
    )
    User.objects.bulk_create(users)
    ids = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
    )
    Membership.objects.bulk_create(
        Membership(user_id=ids[username], organisation=org, role=role)
        for username, org, role in grants
    )
    stdout(
        f"seeded {len(orgs)} partner organisations with partnerships, {len(users)} partner users"
    )


def _places(municipalities) -> None:
    places = []
    for m in municipalities:
        areas, per_area = (10, 6) if m.code in BIG else (2, 4)
        for a in range(areas):
            area = f"Område {a + 1}"
            for p in range(per_area):
                places.append(
                    Place(
                        municipality=m,
                        name=f"Bench {STREETS[p % len(STREETS)]} {a * per_area + p + 1}",
                        area=area,
                        kind=KINDS[p % len(KINDS)],
                        vulnerable=m.code in BIG and a == 0,
                    )
                )
    Place.objects.bulk_create(places, batch_size=2000)


def _reporters() -> dict[int, list[tuple[int, int | None]]]:
    """Per municipality id: (organisation id, reporting user id), the municipality's own
    organisation (its coordinator) first, then its partners (their reporters)."""
    found: dict[int, list[tuple[int, int | None]]] = {}
    for org_id, municipality_id, username in Membership.objects.filter(
        role=Role.COORDINATOR, organisation__name__startswith="Bench: "
    ).values_list("organisation_id", "organisation__municipality_id", "user_id"):
        found.setdefault(municipality_id, []).append((org_id, username))
    partners = (
        Membership.objects.filter(role=Role.REPORTER, organisation__name__startswith="Bench: ")
        .values_list("organisation_id", "organisation__partnerships__municipality_id", "user_id")
        .order_by("organisation__name")
    )
    for org_id, municipality_id, user_id in partners:
        found.setdefault(municipality_id, []).append((org_id, user_id))
    return found


def _rows(days: list[dt.date], seed: int) -> io.StringIO:
    """The COPY text of the reports of ``days`` (a deterministic draw per place and day)."""
    rng = random.Random(seed)
    categories = put_usual_categories(Category)
    codes = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    category_ids = [categories[c].pk for c in codes]
    reporters = _reporters()
    places = list(
        Place.objects.filter(name__startswith="Bench")
        .order_by("pk")
        .values_list("pk", "municipality_id")
    )
    out = io.StringIO()
    for day in days:
        week = week_of(day).isoformat()
        iso = day.isoformat()
        created = f"{iso} 12:00:00+00"
        for place_id, municipality_id in places:
            if rng.random() >= RATE:
                continue
            who = reporters[municipality_id]
            org_id, user_id = who[place_id % len(who)]
            category = rng.choices(category_ids, weights)[0]
            count = 1 if rng.random() < 0.7 else rng.randint(2, 6)
            cost = 0 if rng.random() < 0.75 else rng.randrange(500, 40_000, 500)
            band = BANDS[rng.randrange(len(BANDS))]
            user = user_id or "\\N"
            out.write(
                f"1\t{iso}\t{band}\t\\N\t{week}\t{count}\t{cost}\t\tf\t{created}\t{category}\t"
                f"{municipality_id}\t{org_id}\t{place_id}\t{user}\n"
            )
    out.seek(0)
    return out


def _load(days: list[dt.date], seed: int) -> int:
    """COPY the reports of ``days`` and add them to the weekly totals as the app does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM est_report")
        before = cursor.fetchone()[0]
        data = _rows(days, seed)
        with cursor.cursor.copy(f"COPY est_report ({COLUMNS}) FROM STDIN") as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        cursor.execute(
            "INSERT INTO est_weeklytotal (municipality_id, week, place_id, category_id, count, "
            "cost, retained) SELECT municipality_id, week, place_id, category_id, sum(count), "
            "sum(cost), 0 FROM est_report WHERE id > %s GROUP BY 1, 2, 3, 4 "
            "ON CONFLICT (place_id, category_id, week) DO UPDATE SET "
            "count = est_weeklytotal.count + EXCLUDED.count, "
            "cost = est_weeklytotal.cost + EXCLUDED.cost",
            [before],
        )
        cursor.execute("SELECT count(*) FROM est_report WHERE id > %s", [before])
        return cursor.fetchone()[0]


def check_totals(since: dt.date) -> None:
    """The weekly totals of the weeks from ``since`` equal their reports' sums (what
    ``est.services`` keeps, before any report of those weeks is deleted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT place_id, category_id, week, sum(count) n, sum(cost) c "
            "FROM est_report WHERE week >= %s GROUP BY 1, 2, 3) r FULL JOIN (SELECT * FROM "
            "est_weeklytotal WHERE week >= %s) t USING (place_id, category_id, week) "
            "WHERE r.n IS DISTINCT FROM t.count OR r.c IS DISTINCT FROM t.cost",
            [since, since],
        )
        differ = cursor.fetchone()[0]
    if differ:
        raise SystemExit(f"EST seed: {differ} weekly totals differ from their reports")


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@transaction.atomic
def seed_est(stdout=print) -> None:
    if seeded():
        stdout("EST already seeded")
        return
    start = time.perf_counter()
    municipalities = list(Municipality.objects.order_by("code"))
    _partners(municipalities, stdout)
    _places(municipalities)
    cutoff = retention_cutoff()
    loaded = _load(_days(cutoff - dt.timedelta(days=EXPIRING_DAYS), dates.today()), seed=17)
    # every week that starts after the expiring days has all of its reports
    check_totals(week_of(cutoff) + dt.timedelta(weeks=1))
    stdout(
        f"seeded {Place.objects.count()} EST places and {loaded} incident reports with their "
        f"weekly totals ({time.perf_counter() - start:.0f} s)"
    )


@transaction.atomic
def ensure_expiring(stdout=print) -> int:
    """Put back the reports of the days before the retention cutoff that a previous
    retention run deleted (late reports, added to the totals as the app adds them)."""
    cutoff = retention_cutoff()
    first = cutoff - dt.timedelta(days=EXPIRING_DAYS)
    present = set(
        Report.objects.filter(occurred_on__gte=first, occurred_on__lt=cutoff)
        .values_list("occurred_on", flat=True)
        .distinct()
    )
    missing = [d for d in _days(first, cutoff - dt.timedelta(days=1)) if d not in present]
    if not missing:
        return 0
    loaded = _load(missing, seed=missing[0].toordinal())
    stdout(f"put back {loaded} reports of {len(missing)} days before the retention cutoff")
    return loaded
