"""Incident reports through the API: who reads which, writes through the page's form and
service (the weekly totals stay right), batches all or none, versions, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from api.problems import read
from councils import dates
from est import services
from est.models import Category, Place, Report, WeeklyTotal
from est.usual import put_usual_categories

JSON = "application/json"


@pytest.fixture
def place(home):
    return Place.objects.create(municipality=home, name="Stortorget", area="Centrum")


@pytest.fixture
def klotter(db):
    return put_usual_categories(Category)["klotter"]


def _yesterday() -> dt.date:
    return dates.today() - dt.timedelta(days=1)


def _body(where, category, **changes) -> dict:
    return {
        "occurred_on": _yesterday().isoformat(),
        "time_band": "evening",
        "occurred_at": "21:30",
        "place": where.pk,
        "category": category.pk,
        "count": 3,
        "cost": 1200,
        "description": "Klotter på fasaden",
        **changes,
    }


def _report(user, organisation, place, category, text: str, count: int = 1) -> Report:
    report = Report(
        municipality=place.municipality,
        organisation=organisation,
        place=place,
        category=category,
        occurred_on=_yesterday(),
        count=count,
        description=text,
    )
    return services.report_save(user=user, report=report)


def _totals(place) -> int:
    return WeeklyTotal.objects.filter(place=place).aggregate(n=Sum("count"))["n"] or 0


def _texts(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["description"] for item in response.json()["items"]}


def test_each_reader_sees_the_reports_the_pages_show_them(
    client,
    bearer,
    owner,
    colleague,
    home_org,
    housing,
    reporter,
    school,
    school_contact,
    away_contact,
    place,
    klotter,
):
    _report(owner, home_org, place, klotter, "kommunens")
    housings = _report(reporter, housing, place, klotter, "bostadsbolagets")
    _report(school_contact, school, place, klotter, "skolans")
    url = "/api/v1/incident-reports"

    everything = {"kommunens", "bostadsbolagets", "skolans"}
    assert _texts(client.get(url, headers=bearer(owner))) == everything
    assert _texts(client.get(url, headers=bearer(colleague))) == everything
    assert _texts(client.get(url, headers=bearer(reporter))) == {"bostadsbolagets"}
    assert _texts(client.get(url, headers=bearer(school_contact))) == {"skolans"}
    assert _texts(client.get(url, headers=bearer(away_contact))) == set()

    one = f"/api/v1/incident-reports/{housings.pk}"
    shown = client.get(one, headers=bearer(reporter))
    assert shown.status_code == 200
    assert shown["ETag"] == f'"{housings.version}"'
    assert shown.json()["organisation"]["name"] == housing.name
    assert shown.json()["place"] == {"id": place.pk, "name": "Stortorget", "area": "Centrum"}
    for other in (school_contact, away_contact):
        hidden = client.get(one, headers=bearer(other))
        assert hidden.status_code == 404
        assert hidden["Content-Type"] == "application/problem+json"


def test_the_list_pages_by_cursor_and_filters_by_municipality_and_time(
    client, bearer, owner, home, home_org, place, klotter
):
    for n in range(5):
        _report(owner, home_org, place, klotter, f"nummer {n}")
    headers = bearer(owner)
    seen, cursor = [], None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(f"/api/v1/incident-reports?{query}", headers=headers).json()
        seen += [item["description"] for item in answer["items"]]
        cursor = answer["next"]
        if cursor is None:
            break
    assert seen == [f"nummer {n}" for n in range(5)]

    mine = client.get(f"/api/v1/incident-reports?municipality={home.code}", headers=headers)
    assert len(mine.json()["items"]) == 5
    other = client.get("/api/v1/incident-reports?municipality=0000", headers=headers)
    assert other.json()["items"] == []

    later = Report.objects.order_by("pk")[3]
    Report.objects.filter(pk__lt=later.pk).update(updated_at=dates.now() - dt.timedelta(days=10))
    since = (dates.now() - dt.timedelta(days=1)).isoformat()
    recent = client.get("/api/v1/incident-reports", {"updated_since": since}, headers=headers)
    assert _texts(recent) == {"nummer 3", "nummer 4"}


def test_a_report_through_the_api_counts_in_the_weekly_totals_and_names_the_token(
    client, bearer, reporter, housing, home, place, klotter
):
    headers = bearer(reporter, name="Fastighetssystemet")
    made = client.post(
        f"/api/v1/municipalities/{home.code}/incident-reports",
        _body(place, klotter),
        content_type=JSON,
        headers=headers,
    )
    assert made.status_code == 201, made.content
    answer = made.json()
    assert answer["organisation"]["id"] == housing.pk  # the reporter's only organisation
    assert answer["occurred_at"] == "21:30"
    assert answer["week"] == services.week_of(_yesterday()).isoformat()
    assert made["ETag"] == '"1"'
    report = Report.objects.get()
    assert report.reported_by == reporter
    assert _totals(place) == 3
    history = report.history.first()
    assert history.history_change_reason == "API: Fastighetssystemet"
    assert history.history_user == reporter


def test_the_form_rules_of_the_page_hold(
    client, bearer, reporter, school_contact, housing, home, away, place, klotter
):
    url = f"/api/v1/municipalities/{home.code}/incident-reports"

    def post(user, **changes):
        return client.post(
            url, _body(place, klotter, **changes), content_type=JSON, headers=bearer(user)
        )

    # another partner of the municipality may not report for the housing company
    other = post(school_contact, organisation=housing.pk)
    assert other.status_code == 400
    assert "organisation" in read(other)["errors"]
    # a place of another municipality, a day to come, a personal identity number
    away_place = Place.objects.create(municipality=away, name="Borta torg", area="Borta")
    assert "place" in read(post(reporter, place=away_place.pk))["errors"]
    future = (dates.today() + dt.timedelta(days=2)).isoformat()
    assert "occurred_on" in read(post(reporter, occurred_on=future))["errors"]
    personal = post(reporter, description="Anmälare 811228-9874 såg det")
    assert "description" in read(personal)["errors"]
    # a description that looks like it names people needs the page's confirmation
    named = "Vid porten sprayade Anna Andersson"
    assert "description" in read(post(reporter, description=named))["errors"]
    assert post(reporter, description=named, confirm_names=True).status_code == 201
    assert Report.objects.count() == 1
    assert _totals(place) == 3


def test_a_batch_is_saved_whole_or_not_at_all_with_the_errors_row_by_row(
    client, bearer, reporter, home, place, klotter
):
    url = f"/api/v1/municipalities/{home.code}/incident-reports/batch"
    headers = bearer(reporter)
    wrong = client.post(
        url,
        {"reports": [_body(place, klotter), _body(place, klotter, place=999_999)]},
        content_type=JSON,
        headers=headers,
    )
    assert wrong.status_code == 400
    rows = read(wrong)["errors"]["rows"]
    assert len(rows) == 1
    assert rows[0].startswith("Rad 2: ")
    assert Report.objects.count() == 0
    assert _totals(place) == 0

    saved = client.post(
        url,
        {"reports": [_body(place, klotter), _body(place, klotter, count=4)]},
        content_type=JSON,
        headers=headers,
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] == 2
    assert sorted(saved.json()["ids"]) == sorted(Report.objects.values_list("pk", flat=True))
    assert _totals(place) == 7


def test_a_change_needs_the_reports_version_and_moves_its_counts(
    client, bearer, reporter, housing, place, klotter
):
    report = _report(reporter, housing, place, klotter, "före", count=2)
    other_place = Place.objects.create(
        municipality=place.municipality, name="Bäckvägen 4", area="Gottsunda"
    )
    headers = bearer(reporter)
    url = f"/api/v1/incident-reports/{report.pk}"
    body = _body(other_place, klotter, count=5, description="efter")

    missing = client.put(url, body, content_type=JSON, headers=headers)
    assert missing.status_code == 428
    changed = client.put(url, body, content_type=JSON, headers={**headers, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == '"2"'
    assert changed.json()["organisation"]["id"] == housing.pk
    assert _totals(place) == 0
    assert _totals(other_place) == 5

    stale = client.put(url, body, content_type=JSON, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert read(stale)["current"]["description"] == "efter"
    assert stale["ETag"] == '"2"'

    assert client.delete(url, headers=headers).status_code == 428
    assert client.delete(url, headers={**headers, "If-Match": '"1"'}).status_code == 412
    assert Report.objects.exists()
    gone = client.delete(url, headers={**headers, "If-Match": '"2"'})
    assert gone.status_code == 204
    assert not Report.objects.exists()
    assert _totals(other_place) == 0
