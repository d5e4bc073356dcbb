"""The start page, municipality and organisation pages, and the health check."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from councils.models import Organisation, Role
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_start_page_of_a_coordinator_is_their_to_do_list(client_of, owner, home):
    """The start page is "Att göra" (followup.views.today; tests/followup/test_today.py);
    the organisations and roles are on the account page it links to."""
    response = client_of(owner).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "För dig som samordnare" in body and "För dig som kommunpolis" not in body
    assert reverse("my-organisations") in body
    roles = client_of(owner).get(reverse("my-organisations")).content.decode()
    assert "Hemby kommun" in roles
    with translation.override("sv"):
        assert str(Role.COORDINATOR.label).capitalize() in roles


def test_start_page_of_a_liaison_shows_the_police_part(client_of, liaison):
    response = client_of(liaison).get(reverse("home"))
    today = response.context["today"]
    assert today.police is not None and today.coordinator is None
    assert "För dig som kommunpolis" in response.content.decode()


def test_start_page_of_a_national_reader_shows_the_counties(client_of, national_reader, home):
    response = client_of(national_reader).get(reverse("home"))
    assert [area.name for area in response.context["today"].national] == ["Hemlän"]
    assert reverse("municipality-list") in response.content.decode()


def test_user_without_memberships_is_told_what_to_do(client_of, db):
    response = client_of(f.UserFactory()).get(reverse("home"))
    assert response.status_code == 200
    assert "Be din organisations administratör" in response.content.decode()


def test_municipality_list_can_be_filtered_by_county(client_of, superuser, home, away):
    client = client_of(superuser)
    everything = client.get(reverse("municipality-list")).context["municipalities"]
    assert {home.code, away.code} <= {row["code"] for row in everything}
    only_home = client.get(reverse("municipality-list"), {"county": home.county.code})
    assert only_home.context["municipalities"] == [
        {
            "name": home.name,
            "code": home.code,
            "county": home.county.name,
            "url": reverse("municipality-detail", args=[home.code]),
        }
    ]
    assert f'<a href="{reverse("municipality-detail", args=[home.code])}">' in (
        only_home.content.decode()
    )


def test_municipality_page_shows_police_areas_and_vulnerable_areas(
    client_of, liaison, home, police_area
):
    f.VulnerableAreaFactory(municipality=home, name="Centrum", category="risk", year_assessed=2025)
    response = client_of(liaison).get(reverse("municipality-detail", args=[home.code]))
    body = response.content.decode()
    assert police_area.name in body
    assert "Centrum" in body


def test_organisation_page_shows_e_mail_addresses_only_to_its_administrators(
    client_of, owner, colleague, home_org
):
    url = reverse("organisation-detail", args=[home_org.pk])
    response = client_of(colleague).get(url)
    assert owner.email not in response.content.decode()
    assert owner.get_full_name() in response.content.decode()

    f.MembershipFactory(user=colleague, organisation=home_org, role=Role.ORG_ADMIN)
    response = client_of(colleague).get(url)
    assert owner.email in response.content.decode()


def test_pages_of_signed_in_users_are_not_stored(client_of, owner):
    response = client_of(owner).get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_health_check_reports_the_database_the_pages_and_the_cache(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "pages": "up", "cache": "up"}


def test_health_check_fails_when_pages_cannot_render_for_want_of_collectstatic(
    client, db, settings, tmp_path
):
    """Without ``collectstatic`` every page answers 500 ("Missing staticfiles manifest
    entry"): so does the health check, so that compose and the load balancer see it."""
    settings.STATIC_ROOT = tmp_path  # collectstatic never ran: no manifest here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["pages"] == "down"
    assert response.json()["database"] == "up"


def test_bench_hello_does_not_exist_unless_the_bench_turns_it_on(client, db):
    assert client.get(reverse("bench-hello")).status_code == 404


def test_bench_hello_answers_without_touching_the_database(client, db, settings):
    settings.BENCH_HELLO = True
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("bench-hello"))
    assert response.status_code == 200
    assert response.content == b"hello"
    assert len(captured) == 0
    assert client.post(reverse("bench-hello")).status_code == 405


def test_object_views_answer_405_to_other_methods_after_the_access_check(client_of, owner, home):
    response = client_of(owner).post(reverse("municipality-detail", args=[home.code]))
    assert response.status_code == 405


# --- query counts at two data sizes ---------------------------------------------


def test_start_page_queries_do_not_grow_with_the_county(client_of, county_officer, home_county):
    # from one municipality up: a county with none asks nothing of them at all
    f.MunicipalityFactory(county=home_county)

    def grow():
        for _ in range(25):
            f.MunicipalityFactory(county=home_county)

    assert_constant_queries(client_of(county_officer), reverse("home"), grow)


def test_municipality_list_queries_do_not_grow(client_of, national_reader, home_county):
    def grow():
        for _ in range(40):
            f.MunicipalityFactory(county=home_county)

    assert_constant_queries(client_of(national_reader), reverse("municipality-list"), grow)


def test_municipality_page_queries_do_not_grow(client_of, owner, home, region):
    def grow():
        for n in range(8):
            f.LocalPoliceAreaFactory(police_region=region, municipalities=[home])
            f.VulnerableAreaFactory(municipality=home, name=f"Område {n}")

    url = reverse("municipality-detail", args=[home.code])
    assert_constant_queries(client_of(owner), url, grow)


def test_organisation_pages_queries_do_not_grow(client_of, liaison, police_org, region):
    def grow():
        for _ in range(10):
            f.MembershipFactory(organisation=police_org, role=Role.READER)
        for _ in range(5):
            police_org.local_police_area.municipalities.add(f.MunicipalityFactory())

    client = client_of(liaison)
    assert_constant_queries(client, reverse("organisation-detail", args=[police_org.pk]), grow)
    assert_constant_queries(client, reverse("my-organisations"), lambda: None)
    assert police_org.kind == Organisation.Kind.POLICE_AREA


def test_the_cached_municipality_table_follows_the_data_and_the_reader(
    client_of, national_reader, owner, home, away
):
    """The table is cached under what it shows: a rename shows at once, and a reader
    who sees fewer municipalities never gets the table of one who sees more."""
    everyone = client_of(national_reader).get(reverse("municipality-list")).content.decode()
    assert home.name in everyone and away.name in everyone

    mine = client_of(owner).get(reverse("municipality-list")).content.decode()
    assert home.name in mine and away.name not in mine

    home.name = "Nya Hemby"
    home.save()
    again = client_of(national_reader).get(reverse("municipality-list")).content.decode()
    assert "Nya Hemby" in again and away.name in again


def test_a_kept_municipality_table_is_shown_without_building_its_rows(
    client_of, national_reader, home, away
):
    """The second reader of the same table gets it as it was kept: its rows are not
    built again (no addresses reversed), and it costs no query more than the first."""
    client = client_of(national_reader)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(reverse("municipality-list"))
    assert first.context["kept_table"] is None and len(first.context["municipalities"]) >= 2
    with CaptureQueriesContext(connection) as warm:
        again = client.get(reverse("municipality-list"))
    assert again.context["municipalities"] is None
    assert again.context["kept_table"] in again.content.decode()
    assert home.name in again.context["kept_table"] and away.name in again.context["kept_table"]
    assert len(warm) == len(cold)
    # the county filter lists the counties of the municipalities the reader may see
    assert {county["code"] for county in again.context["counties"]} >= {
        home.county.code,
        away.county.code,
    }
    assert f'<option value="{away.county.code}">' in again.content.decode()


def test_the_county_filter_lists_only_the_counties_the_reader_sees(client_of, owner, home, away):
    response = client_of(owner).get(reverse("municipality-list"))
    assert response.context["counties"] == [{"code": home.county.code, "name": home.county.name}]
    assert away.name not in response.content.decode()


def test_the_kept_municipality_table_follows_a_template_change(
    client_of, superuser, home, monkeypatch
):
    client = client_of(superuser)
    first = client.get(reverse("municipality-list")).context["rows_digest"]
    assert client.get(reverse("municipality-list")).context["rows_digest"] == first
    monkeypatch.setattr("councils.views.start.template_version", lambda name: "deployed-anew")
    assert client.get(reverse("municipality-list")).context["rows_digest"] != first
