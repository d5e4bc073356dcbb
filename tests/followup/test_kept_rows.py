"""The county dashboard's rows and the start page's county and national parts, kept for
the data's generation (``followup.dashboard.FIGURES``, ``councils.generations``): read
from the database once per generation and day, read again after any save that changes
what they show, and the same for everyone who may see them. The coordinator's and the
liaison's parts likewise (``followup.today.OWN``), per user, language and grants; the
failed reports are read on every visit (their failure is written without a signal).

The clock is frozen; the data is built from the frozen day."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from agreements.models import Agreement
from councils import access, dates
from councils.access import Capability
from councils.models import Role
from followup import dashboard, indicators
from followup import today as todo
from followup.models import Report
from pledges.models import Pledge
from tests import factories as f
from tests.followup.test_today import fill
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def today() -> dt.date:
    return dates.today()


@pytest.fixture
def in_force(home, today):
    return f.AgreementFactory(
        municipality=home,
        status=Agreement.Status.SIGNED,
        signed_snapshot={"goals": []},
        start_date=today - dt.timedelta(days=100),
        end_date=today + dt.timedelta(days=200),
    )


def _dashboard(county) -> str:
    return reverse("county-dashboard", args=[county.code])


def _row(body: str, municipality) -> str:
    start = body.index(f'<tr id="row-{municipality.code}">')
    return body[start : body.index("</tr>", start)]


def test_the_rows_are_read_once_per_generation_and_day(
    django_assert_num_queries, home, in_force, home_county, today
):
    with django_assert_num_queries(8):  # no pledge this year: eight
        first = dashboard.kept_county_rows(home_county, today)
    with django_assert_num_queries(0):
        assert dashboard.kept_county_rows(home_county, today) == first
    # another day is another set of rows: the phase and the ages count from the day
    with django_assert_num_queries(8):
        dashboard.kept_county_rows(home_county, today + dt.timedelta(days=1))


@pytest.mark.parametrize("who", ["county_officer", "national_reader"])
def test_the_start_page_reads_the_county_figures_once_per_generation(
    request, django_assert_max_num_queries, who, home, in_force, today
):
    user = request.getfixturevalue(who)
    first = todo.for_user(user, today)
    with django_assert_max_num_queries(4):  # the user's grants and counties
        again = todo.for_user(user, today)
    assert (again.county, again.national, again.figures) == (
        first.county,
        first.national,
        first.figures,
    )
    assert first.figures.startswith(dashboard.FIGURES.current())


def test_the_kept_part_of_the_start_page_is_the_part_made_afresh(
    client_of, county_officer, home, in_force
):
    client = client_of(county_officer)
    made = client.get(reverse("home")).content.decode()
    kept = client.get(reverse("home")).content.decode()
    assert client.get(reverse("home")).context["kept_figures"]
    assert "Hemby" in kept and _tables(made) == _tables(kept)


def _tables(body: str) -> str:
    """The page without the random ids of its tables."""
    return re.sub(
        r"table-[0-9a-f]{8}", "table", body.split('<section aria-labelledby="county-heading">')[1]
    )


def test_a_second_visit_of_the_dashboard_reads_no_column(
    client_of, county_officer, home, in_force, home_county
):
    client = client_of(county_officer)
    first = count_queries(client, _dashboard(home_county))
    assert count_queries(client, _dashboard(home_county)) == first - 8


def _coordination(home, **_):
    f.CoordinationFunctionFactory(municipality=home)


def _agreement_ends(home, in_force, today, **_):
    in_force.end_date = today - dt.timedelta(days=1)
    in_force.save()


def _renamed(home, **_):
    home.name = "Nyby"
    home.save()


def _picture_deleted(home, picture, **_):
    picture.delete()


@pytest.mark.parametrize(
    ("change", "before", "after"),
    [
        (_coordination, '<td data-column="coordination">nej', '<td data-column="coordination">ja'),
        (_agreement_ends, 'data-value="in_force"', 'data-value="expired"'),
        (_renamed, "Hemby", "Nyby"),
        (_picture_deleted, 'data-value="up_to_date"', 'data-column="picture" data-value="none"'),
    ],
)
def test_a_save_shows_on_the_kept_dashboard_at_once(
    client_of, county_officer, home, in_force, home_county, today, change, before, after
):
    picture = f.SituationalPictureFactory(municipality=home, is_current=True, decided_on=today)
    client = client_of(county_officer)
    client.get(_dashboard(home_county))  # kept
    assert before in _row(client.get(_dashboard(home_county)).content.decode(), home)
    change(home=home, in_force=in_force, today=today, picture=picture)
    assert after in _row(client.get(_dashboard(home_county)).content.decode(), home)


def test_an_import_of_indicator_values_begins_a_new_generation(home, today):
    """The import writes in bulk, which sends no signal: it begins the generation itself."""
    survey = f.IndicatorFactory(name="Trygghetsindex", code="TI-1")
    before = dashboard.FIGURES.current()
    content = f"Indikator;Kommun;Område;År;Kön;Värde\r\nTI-1;{home.code};;2025;T;2,4\r\n"
    staff = f.UserFactory(username="importer", is_staff=True)
    report = indicators.import_csv(user=staff, name="v.csv", content=content.encode())
    assert report.ok and report.created == 1, report.errors
    assert survey.values.count() == 1
    assert dashboard.FIGURES.current() != before


@pytest.mark.parametrize("who", ["county_officer", "national_reader"])
def test_the_start_page_shows_a_save_at_once(request, client_of, who, home, in_force, today):
    user = request.getfixturevalue(who)
    client = client_of(user)

    def coordination_gaps() -> int:
        area = getattr(
            todo.for_user(user, today), "county" if who == "county_officer" else "national"
        )
        return {a.name: a for a in area}[home.county.name].counts["coordination"]

    client.get(reverse("home"))
    assert coordination_gaps() == 1
    f.CoordinationFunctionFactory(municipality=home)
    assert coordination_gaps() == 0
    assert client.get(reverse("home")).status_code == 200


def test_a_county_officer_is_never_given_another_countys_kept_rows(
    client_of, county_officer, home, away, home_county, other_county, in_force
):
    board = f.OrganisationFactory(
        name="Länsstyrelsen i Bortlän", kind="county_board", municipality=None, county=other_county
    )
    other = f.MembershipFactory(organisation=board, role="county_officer").user
    client_of(other).get(reverse("home"))  # keeps the other county's rows first
    body = client_of(county_officer).get(reverse("home")).content.decode()
    assert home.name in body and away.name not in body
    assert client_of(other).get(_dashboard(home_county)).status_code == 404


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def test_every_table_the_kept_rows_read_is_watched(home, in_force, home_county, today):
    """A table read by the rows but not watched would leave them stale after a save."""
    f.PledgeFactory(municipality=home, period_start=dt.date(today.year, 1, 1), period_end=today)
    with CaptureQueriesContext(connection) as captured:
        dashboard.county_rows(home_county, today)
        dashboard.gap_rows([home], today)
    read = {table for query in captured for table in _TABLE.findall(query["sql"])}
    watched = {model._meta.db_table for model in dashboard.FIGURES.watched}
    assert {"agreements_agreement", "followup_indicatorvalue", "pledges_activity"} <= read
    assert read - watched == set()


@pytest.mark.parametrize("code", ["9'1", "%s", "91%00", "9" * 5000, "ÅÄÖ", "91 OR 1=1"])
def test_a_hostile_county_code_finds_no_dashboard(client_of, county_officer, home_county, code):
    response = client_of(county_officer).get(f"/counties/{quote(code)}/dashboard/")
    assert response.status_code == 404


def test_the_rendered_year_forms_follow_the_language_and_the_day(
    client_of, county_officer, home, home_county, today
):
    def form(language: str) -> str:
        client = client_of(county_officer)  # signed in anew: a session ends in a year
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = client.get(_dashboard(home_county)).content.decode()
        return body[body.index('id="county-report-form"') : body.index("start-county-report")]

    assert ">År<" in form("sv") and ">Year<" in form("en") and ">År<" in form("sv")
    assert f'<option value="{today.year}" selected>' in form("sv")
    with time_machine.travel(NOW + dt.timedelta(days=365), tick=False):
        assert f'<option value="{today.year + 1}" selected>' in form("sv")


def _my_table(client) -> str:
    body = client.get(reverse("home")).content.decode()
    start = body.index('<section aria-labelledby="municipalities-heading">')
    return body[start : body.index("</section>", start)]


def test_the_kept_table_of_my_municipalities_follows_renames_and_roles(
    client_of, owner, home, away_org, away
):
    client = client_of(owner)
    first = _my_table(client)
    assert "Hemby" in first and "Du kan redigera" in first and "Bortby" not in first
    assert client.get(reverse("home")).context["kept_rows"]  # kept, shown as it is
    home.name = "Nyby"
    home.save()
    assert "Nyby" in _my_table(client)
    membership = f.MembershipFactory(user=owner, organisation=away_org, role="reader")
    client = client_of(owner)  # the grants are worked out once per request's user
    assert "Bortby" in _my_table(client)
    membership.delete()
    assert "Bortby" not in _my_table(client_of(owner))


# --- the coordinator's and the liaison's parts (``followup.today.OWN``) -----------------


def _texts(groups) -> list[str]:
    return [item.text for group in groups for item in group.items]


def test_the_parts_are_read_once_per_generation(
    django_assert_max_num_queries, owner, liaison, home, today
):
    fill(home, "Hemby", requester=owner)
    for user in (owner, liaison):
        first = todo.for_user(user, today)
        user = type(user).objects.get(pk=user.pk)  # a new request's user: grants read again
        with django_assert_max_num_queries(3):  # the user's grants; the failed reports
            again = todo.for_user(user, today)
        assert _texts(again.coordinator or []) == _texts(first.coordinator or [])
        assert _texts(again.police or []) == _texts(first.police or [])


def test_a_save_shows_at_once(owner, liaison, home, today):
    fill(home, "Hemby", requester=owner)
    assert "Granska ”Hemby granskas”" in _texts(todo.for_user(liaison, today).police)
    pledge = Pledge.objects.get(title="Hemby granskas")
    pledge.status = Pledge.Status.APPROVED
    pledge.save()
    assert "Granska ”Hemby granskas”" not in _texts(todo.for_user(liaison, today).police)
    f.PledgeCommentFactory(pledge=pledge, author=liaison)
    assert any("Hemby granskas" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_a_failed_report_shows_at_once_though_written_without_a_signal(owner, home, today):
    mine = fill(home, "Hemby")
    todo.for_user(owner, today)  # kept
    report = Report.objects.create(
        kind=Report.Kind.AGREEMENT, object_id=mine["ending"].pk, requested_by=owner
    )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED)  # as the job does
    assert any("kunde inte" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_new_grants_show_their_municipalities_at_once(owner, home, away, away_org, today):
    fill(home, "Hemby")
    fill(away, "Bortby")
    assert not any("Bortby" in text for text in _texts(todo.for_user(owner, today).coordinator))
    f.MembershipFactory(user=owner, organisation=away_org, role=Role.COORDINATOR)
    owner = type(owner).objects.get(pk=owner.pk)
    assert any("Bortby" in text for text in _texts(todo.for_user(owner, today).coordinator))


def test_users_and_languages_are_kept_apart(owner, outsider, home, away, today):
    fill(home, "Hemby")
    fill(away, "Bortby")
    mine = _texts(todo.for_user(owner, today).coordinator)
    theirs = _texts(todo.for_user(outsider, today).coordinator)
    assert any("Hemby" in t for t in mine) and not any("Bortby" in t for t in mine)
    assert any("Bortby" in t for t in theirs) and not any("Hemby" in t for t in theirs)
    with translation.override("en"):
        english = _texts(todo.for_user(owner, today).coordinator)
    assert "Follow up “Hemby sen”" in english and "Följ upp ”Hemby sen”" in mine


def test_another_day_is_read_again(liaison, home, today):
    fill(home, "Hemby")
    [waiting] = [
        i.waiting for g in todo.for_user(liaison, today).police for i in g.items if i.waiting
    ]
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        again = todo.for_user(type(liaison).objects.get(pk=liaison.pk), dates.today())
    assert [i.waiting for g in again.police for i in g.items if i.waiting] == [waiting + 1]


def test_every_table_the_parts_read_is_watched(owner, liaison, home, today):
    """A table read by the kept parts but not watched would leave them stale after a
    save. The grants (read before, and in the key) are not the parts' reads."""
    fill(home, "Hemby", requester=owner)
    read = set()
    for user in (owner, liaison):
        access.holds_anywhere(user, Capability.READ)  # the grants, worked out first
        with CaptureQueriesContext(connection) as captured:
            todo.coordinator_part(user, today)
            todo.police_part(user, today)
        read |= {table for query in captured for table in _TABLE.findall(query["sql"])}
    watched = {model._meta.db_table for model in todo.OWN.watched}
    assert {"pledges_pledge", "pledges_comment", "agreements_agreement"} <= read
    assert read - watched == set()
