"""EST's pages: the report form (privacy checks), who sees which reports, the picture
(query counts flat at two sizes), its export, the checklist, the import with hostile
files, the EST meeting turning a cluster into an activity, the tertial snapshot."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from est import selectors, services
from est.models import Measure, Place, Report, TertialAnalysis, WeeklyTotal
from pledges.models import Activity
from tests import factories as f
from tests.est.conftest import TODAY
from tests.hostile.test_imports import rezip
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _post_report(client, home, place, category, organisation, **extra):
    data = {
        "organisation": organisation.pk,
        "occurred_on": TODAY.isoformat(),
        "time_band": "evening",
        "place": place.pk,
        "category": category.pk,
        "count": "2",
        "cost": "1500",
        "description": "Klotter på fasaden",
    } | extra
    return client.post(reverse("est-report-create", args=[home.code]), data)


def test_a_report_is_saved_with_its_totals(client_of, owner, home, home_org, places, klotter):
    client = client_of(owner)
    page = client.get(reverse("est-report-create", args=[home.code]))
    assert "never about people" in page.content.decode() or "aldrig om människor" in (
        page.content.decode()
    )
    response = _post_report(client, home, places[0], klotter, home_org)
    assert response.status_code == 302
    assert WeeklyTotal.objects.get().count == 2


def test_a_personal_identity_number_is_refused(client_of, owner, home, home_org, places, klotter):
    response = _post_report(
        client_of(owner), home, places[0], klotter, home_org, description="Av 811218-9876"
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_name_asks_for_confirmation(client_of, owner, home, home_org, places, klotter):
    client = client_of(owner)
    text = "Vi såg Kalle Andersson vid porten"
    response = _post_report(client, home, places[0], klotter, home_org, description=text)
    assert response.status_code == 400
    assert "Kalle Andersson" in response.content.decode()
    assert not Report.objects.exists()
    response = _post_report(
        client, home, places[0], klotter, home_org, description=text, confirm_names="on"
    )
    assert response.status_code == 302


def test_a_reporter_sees_and_changes_only_their_organisations_reports(
    client, owner, reporter, home, home_org, places, klotter
):
    theirs = services.organisations_for_reporting(reporter, home)[0]
    municipal = services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=places[0],
            category=klotter,
            occurred_on=TODAY,
            description="Kommunens egen iakttagelse",
        ),
    )
    own = services.report_save(
        user=reporter,
        report=Report(
            municipality=home,
            organisation=theirs,
            place=places[1],
            category=klotter,
            occurred_on=TODAY,
            description="Bevakningens iakttagelse",
        ),
    )
    client.force_login(reporter)
    listing = client.get(reverse("est-report-list", args=[home.code])).content.decode()
    assert "Bevakningens iakttagelse" in listing
    assert "Kommunens egen iakttagelse" not in listing
    assert client.get(reverse("est-report-edit", args=[municipal.pk])).status_code == 404
    assert client.post(reverse("est-report-delete", args=[municipal.pk])).status_code == 404
    assert client.get(reverse("est-report-edit", args=[own.pk])).status_code == 200
    # the picture counts both
    picture = client.get(reverse("est-picture", args=[home.code]))
    assert picture.status_code == 200

    client.force_login(owner)
    listing = client.get(reverse("est-report-list", args=[home.code])).content.decode()
    assert "Bevakningens iakttagelse" in listing and "Kommunens egen iakttagelse" in listing


def test_a_county_officer_sees_counts_only(
    client_of, county_officer, owner, home, home_org, places, klotter
):
    services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=places[0],
            category=klotter,
            occurred_on=TODAY,
            description="Intern detalj",
        ),
    )
    client = client_of(county_officer)
    picture = client.get(reverse("est-picture", args=[home.code]))
    assert picture.status_code == 200
    assert "Intern detalj" not in picture.content.decode()
    assert "Stortorget" in picture.content.decode()
    assert client.get(reverse("est-report-list", args=[home.code])).status_code == 404
    assert client.get(reverse("est-report-create", args=[home.code])).status_code == 404


def test_the_picture_asks_the_same_queries_at_two_sizes(
    client_of, owner, home, home_org, klotter, brand
):
    place = Place.objects.create(municipality=home, name="Torget", area="Centrum")

    def report(place, category, day):
        services.report_save(
            user=owner,
            report=Report(
                municipality=home,
                organisation=home_org,
                place=place,
                category=category,
                occurred_on=day,
            ),
        )

    report(place, klotter, TODAY)

    def grow():
        for n in range(6):
            extra = Place.objects.create(
                municipality=home, name=f"Gata {n}", area=f"Område {n % 3}"
            )
            for week in range(6):
                report(extra, brand if n % 2 else klotter, TODAY - dt.timedelta(weeks=week))

    client = client_of(owner)
    assert_constant_queries(client, reverse("est-picture", args=[home.code]), grow)
    page = client.get(reverse("est-picture", args=[home.code])).content.decode()
    assert "<svg" in page and "Gata 5" in page


def test_the_export_has_the_counts(client_of, owner, home, home_org, places, klotter):
    services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=places[0],
            category=klotter,
            occurred_on=TODAY,
            count=3,
        ),
    )
    client = client_of(owner)
    csv = client.get(reverse("est-picture-export", args=[home.code]) + "?format=csv")
    text = csv.content.decode("utf-8-sig")
    assert "Stortorget" in text and ";3;" in text
    xlsx = client.get(reverse("est-picture-export", args=[home.code]) + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_checklist_saves_all_or_nothing(
    client_of, owner, home, home_org, places, klotter, brand
):
    client = client_of(owner)
    url = reverse("est-checklist", args=[home.code])
    page = client.get(url)
    assert f"cell-{places[0].pk}-{klotter.pk}" in page.content.decode()
    week = selectors.week_value(TODAY)
    data = {
        "week": week,
        "organisation": home_org.pk,
        f"cell-{places[0].pk}-{klotter.pk}": "4",
        f"cell-{places[1].pk}-{brand.pk}": "zz",
    }
    assert client.post(url, data).status_code == 400
    assert not Report.objects.exists()
    data[f"cell-{places[1].pk}-{brand.pk}"] = "1"
    assert client.post(url, data).status_code == 302
    assert sorted(Report.objects.values_list("count", flat=True)) == [1, 4]


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["datum", "tid", "plats", "område", "kategori", "antal", "kostnad", "beskrivning"]


def _import(client, home, org, name, content):
    return client.post(
        reverse("est-report-import", args=[home.code]),
        {"organisation": org.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_an_import_saves_every_row_or_none(client_of, owner, home, home_org, places, klotter):
    client = client_of(owner)
    good = [TODAY.isoformat(), "21:30", "Stortorget", "Centrum", "Klotter", "2", "100", "Tag"]
    bad = [TODAY.isoformat(), "kväll", "Okänd plats", "", "Klotter", "2", "0", "811218-9876"]
    response = _import(client, home, home_org, "r.xlsx", _xlsx([HEADER, good, bad]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Okänd plats" in body
    assert not Report.objects.exists()
    response = _import(client, home, home_org, "r.xlsx", _xlsx([HEADER, good, good]))
    assert response.status_code == 302
    assert WeeklyTotal.objects.get().count == 4


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("r.csv", b"\x00\x01\x02" * 100),
        ("r.csv", b'datum;plats\n"' + b"x" * 200_000),
        ("r.xlsx", b"PK\x03\x04 not a zip"),
        ("r.xlsx", rezip(_xlsx([HEADER]), {"xl/workbook.xml": b"<broken"})),
        ("r.csv", ("datum;plats;kategori\n" + "1e999;NaN;=cmd|' /C calc'!A0\n").encode()),
        ("r.exe", b"MZ"),
    ],
)
def test_hostile_import_files_answer_400(client_of, owner, home, home_org, places, name, content):
    response = _import(client_of(owner), home, home_org, name, content)
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_meeting_turns_a_cluster_into_an_activity(
    client_of, owner, home, home_org, places, klotter
):
    pledge = f.PledgeFactory(
        municipality=home, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    for day in range(3):
        services.report_save(
            user=owner,
            report=Report(
                municipality=home,
                organisation=home_org,
                place=places[1],
                category=klotter,
                occurred_on=TODAY - dt.timedelta(days=7 + day),
                count=2,
            ),
        )
    client = client_of(owner)
    response = client.post(
        reverse("est-meeting-create", args=[home.code]),
        {"held_on": TODAY.isoformat(), "organisations": [home_org.pk], "analysis": "Klotter"},
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    page = client.get(meeting_url).content.decode()
    assert "Bäckvägen 4" in page
    meeting_pk = int(meeting_url.rstrip("/").split("/")[-1])
    response = client.post(
        reverse("est-measure-create", args=[meeting_pk]),
        {"kind": "activity", "title": "Sanera klotter snabbt", "place": places[1].pk},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Sanera klotter snabbt")
    assert activity.pledge == pledge
    assert Measure.objects.get().activity == activity


def test_an_attached_tertial_shows_on_the_lagesbild(
    client_of, owner, home, home_org, places, klotter
):
    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=places[0],
            category=klotter,
            occurred_on=dt.date(2026, 10, 5),
            count=5,
        ),
    )
    analysis = TertialAnalysis.objects.create(
        municipality=home, year=2026, tertial=3, summary="Klottret ökar"
    )
    client = client_of(owner)
    response = client.post(
        reverse("est-tertial-detail", args=[analysis.pk]),
        {"picture": picture.pk, "version": analysis.version},
    )
    assert response.status_code == 302
    page = client.get(reverse("picture-detail", args=[picture.pk])).content.decode()
    assert "Klottret ökar" in page and f"est-snapshot-{analysis.pk}" in page


def test_the_map_is_drawn_only_with_a_tile_server(settings, client_of, owner, home, places):
    places[0].latitude, places[0].longitude = 59.85856, 17.63893
    places[0].save()
    client = client_of(owner)
    url = reverse("est-picture", args=[home.code])
    assert "est-map-data" not in client.get(url).content.decode()
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    page = client.get(url).content.decode()
    assert "est-map-data" in page and "vendor/leaflet/leaflet.js" in page
    assert "127.0.0.1:9/{z}/{x}/{y}.png" in page and "59.85856" in page
    # no script, style or tile from a CDN (the page's random nonce may spell "cdn")
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert addresses and not [a for a in addresses if "unpkg" in a or "cdn" in a.lower()]
