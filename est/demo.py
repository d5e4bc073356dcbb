"""EST demo data for Uppsala: places in three areas (one vulnerable) and eight weeks of
reports by the municipality and the police, with a cluster at Gottsunda centrum in the
last week; an EST meeting. Idempotent: nothing is added once Uppsala has places."""

from __future__ import annotations

import datetime as dt

from councils import dates
from councils.models import Municipality, User
from est import services
from est.models import Category, EstMeeting, Place, Report
from est.usual import put_usual_categories

PLACES = [
    ("Stora torget", "Centrum", Place.Kind.SQUARE, False, (59.85856, 17.63893)),
    ("Resecentrum", "Centrum", Place.Kind.STATION, False, (59.85836, 17.64617)),
    ("Gottsunda centrum", "Gottsunda", Place.Kind.CENTRE, True, (59.80569, 17.60889)),
    ("Valthornsvägen 4", "Gottsunda", Place.Kind.STAIRWELL, True, None),
    ("Valsätraskolans skolgård", "Gottsunda", Place.Kind.SCHOOL_YARD, True, None),
    ("Gränbystaden", "Gränby", Place.Kind.CENTRE, False, (59.87819, 17.67408)),
]
#: (place index, category code, count, cost) per week, repeated with a small variation
PATTERN = [
    (0, "nedskrapning", 2, 0),
    (1, "ordningsstorning", 1, 0),
    (2, "klotter", 1, 3000),
    (3, "skadegorelse", 1, 5000),
    (4, "samlingar", 1, 0),
    (5, "inbrott", 1, 20000),
]


def seed(stdout) -> None:
    uppsala = Municipality.objects.get(code="0380")
    if Place.objects.filter(municipality=uppsala).exists():
        return
    coordinator = User.objects.get(username="samordnare")
    liaison = User.objects.get(username="kommunpolis")
    places = []
    for name, area, kind, vulnerable, point in PLACES:
        place = Place(municipality=uppsala, name=name, area=area, kind=kind, vulnerable=vulnerable)
        if point:
            place.latitude, place.longitude = point
        places.append(services.place_save(user=coordinator, place=place))
    # EST's usual categories (seeded by est.0002; put back if a flush removed them)
    categories = put_usual_categories(Category)
    this_week = services.week_of(dates.today())
    for reporter in (coordinator, liaison):
        organisation = services.organisations_for_reporting(reporter, uppsala)[0]
        for weeks_ago in range(8, 0, -1):
            day = this_week - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=2)
            for n, (index, code, count, cost) in enumerate(PATTERN):
                if (weeks_ago + n) % 3 == 0:
                    continue
                services.report_save(
                    user=reporter,
                    report=Report(
                        municipality=uppsala,
                        organisation=organisation,
                        place=places[index],
                        category=categories[code],
                        occurred_on=day,
                        count=count + (weeks_ago % 2),
                        cost=cost,
                        time_band="evening",
                    ),
                )
        # the cluster of the last week: fires and vandalism at Gottsunda centrum
        services.report_save(
            user=reporter,
            report=Report(
                municipality=uppsala,
                organisation=organisation,
                place=places[2],
                category=categories["anlagd-brand"],
                occurred_on=this_week - dt.timedelta(days=3),
                count=3,
                cost=15000,
                time_band="night",
                description="Containerbränder bakom centrumhuset.",
            ),
        )
    services.meeting_save(
        user=coordinator,
        meeting=EstMeeting(
            municipality=uppsala,
            held_on=this_week,
            analysis="Bränder och skadegörelse ökar i Gottsunda centrum kvällstid.",
        ),
    )
