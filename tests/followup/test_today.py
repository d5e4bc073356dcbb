"""The start page, "Att göra" (issue 14): each role's part, every item linking to where
it is put right, the badge, a fixed number of queries at two sizes for each role, and
never another organisation's items.

The clock is frozen on 15 October 2026 (after PLEDGE_NEXT_YEAR_FROM, 1 September) and
all data is built from the frozen day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from councils import dates
from councils.models import Role
from followup import today as todo
from followup.models import Report
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.partner_fixtures import contact, housing, partner_admin, reporter  # noqa: F401
from tests.queries import assert_constant_queries, built_by_the_orm

NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def today() -> dt.date:
    return dates.today()


def fill(municipality, tag: str, *, requester=None, commenter=None, picture=True) -> dict:
    """One of every thing a coordinator or liaison must act on, titled with ``tag``."""
    today = dates.today()
    changes = f.PledgeFactory(
        municipality=municipality,
        title=f"{tag} ändras",
        status=Pledge.Status.CHANGES_REQUESTED,
    )
    f.PledgeCommentFactory(pledge=changes, author=commenter or f.UserFactory())
    published = f.PledgeFactory(
        municipality=municipality, title=f"{tag} publicerat", status=Pledge.Status.PUBLISHED
    )
    due = f.ActivityFactory(
        pledge=published,
        title=f"{tag} snart",
        next_follow_up=today + dt.timedelta(days=3),
        responsible_party=Activity.Party.POLICE,
    )
    overdue = f.ActivityFactory(
        pledge=published,
        title=f"{tag} sen",
        next_follow_up=today - dt.timedelta(days=5),
        responsible_party=Activity.Party.MUNICIPALITY,
    )
    f.ActivityFactory(  # outside every window
        pledge=published, title=f"{tag} senare", next_follow_up=today + dt.timedelta(days=60)
    )
    awaiting = f.AgreementFactory(
        municipality=municipality,
        title=f"{tag} att underteckna",
        status=Agreement.Status.AWAITING_SIGNATURE,
        shared_for_signature_at=timezone.now() - dt.timedelta(days=2),
    )
    approved = f.PledgeFactory(
        municipality=municipality,
        title=f"{tag} godkänt",
        status=Pledge.Status.APPROVED,
        reviewed_at=timezone.now() - dt.timedelta(days=1),
    )
    ending = f.AgreementFactory(
        municipality=municipality,
        title=f"{tag} slutar",
        status=Agreement.Status.SIGNED,
        signed_snapshot={},
        start_date=dt.date(2023, 1, 1),
        end_date=today + dt.timedelta(days=30),
    )
    picture = f.SituationalPictureFactory(
        municipality=municipality,
        title=f"{tag} lägesbild",
        is_current=picture,
        next_review=today - dt.timedelta(days=10),
    )
    in_review = f.PledgeFactory(
        municipality=municipality,
        title=f"{tag} granskas",
        status=Pledge.Status.IN_REVIEW,
        submitted_at=timezone.now() - dt.timedelta(days=9),
    )
    report = None
    if requester is not None:
        report = Report.objects.create(
            kind=Report.Kind.AGREEMENT,
            object_id=ending.pk,
            requested_by=requester,
            status=Report.Status.FAILED,
        )
    return {
        "changes": changes,
        "due": due,
        "overdue": overdue,
        "awaiting": awaiting,
        "approved": approved,
        "ending": ending,
        "picture": picture,
        "in_review": in_review,
        "report": report,
    }


def _urls(groups) -> dict[str, list[str]]:
    return {group.key: [item.url for item in group.items] for group in groups}


# --- the coordinator ----------------------------------------------------------------


def test_the_coordinator_sees_each_thing_with_a_link_to_where_it_is_put_right(
    owner, home, away, today, liaison
):
    mine = fill(home, "Hemby", requester=owner, commenter=liaison)
    fill(away, "Bortby", requester=f.UserFactory())
    found = todo.for_user(owner, today)
    assert found.police is None and found.county is None and found.national is None
    urls = _urls(found.coordinator)
    assert urls["changes"] == [
        reverse("pledge-detail", args=[mine["changes"].pk]),
        reverse("pledge-detail", args=[mine["changes"].pk]),  # its open comment
    ]
    assert urls["follow_ups"] == [
        reverse("follow-up-create", args=[mine["overdue"].pk]),
        reverse("follow-up-create", args=[mine["due"].pk]),
    ]
    follow_ups = next(g for g in found.coordinator if g.key == "follow_ups").items
    assert [item.overdue for item in follow_ups] == [True, False]
    assert urls["signatures_municipality"] == [
        reverse("agreement-sign", args=[mine["awaiting"].pk, "municipality"]),
        reverse("pledge-sign", args=[mine["approved"].pk, "municipality"]),
    ]
    assert urls["ending"] == [reverse("agreement-detail", args=[mine["ending"].pk])]
    assert urls["pictures"] == [reverse("picture-detail", args=[mine["picture"].pk])]
    assert urls["next_year"] == [reverse("pledge-list", args=[home.code])]
    assert urls["reports"] == [reverse("report-detail", args=[mine["report"].pk])]
    assert found.count == 10


def test_the_reminder_window_of_the_organisation_counts(owner, home, home_org, today):
    f.ReminderSettingsFactory(organisation=home_org, days_before_follow_up=2)
    fill(home, "Hemby")
    follow_ups = next(g for g in todo.coordinator_part(owner, today) if g.key == "follow_ups")
    assert [item.text for item in follow_ups.items] == ["Följ upp ”Hemby sen”"]


def test_next_years_pledge_is_asked_for_only_after_the_configured_day(owner, home, today, settings):
    settings.PLEDGE_NEXT_YEAR_FROM = (11, 1)
    groups = _urls(todo.coordinator_part(owner, today))
    assert groups["next_year"] == []
    settings.PLEDGE_NEXT_YEAR_FROM = (9, 1)
    assert _urls(todo.coordinator_part(owner, today))["next_year"]
    f.PledgeFactory(
        municipality=home, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
    )
    assert _urls(todo.coordinator_part(owner, today))["next_year"] == []


def test_a_failed_report_made_again_since_is_not_news(owner, home, today):
    mine = fill(home, "Hemby", requester=owner)
    Report.objects.create(
        kind=Report.Kind.AGREEMENT,
        object_id=mine["ending"].pk,
        requested_by=owner,
        status=Report.Status.DONE,
    )
    assert _urls(todo.for_user(owner, today).coordinator)["reports"] == []


# --- the police liaison -------------------------------------------------------------


def test_the_liaison_sees_reviews_oldest_first_signatures_and_police_follow_ups(
    liaison, home, neighbour, away, today
):
    mine = fill(home, "Hemby")
    older = f.PledgeFactory(
        municipality=neighbour,
        title="Grannby granskas",
        status=Pledge.Status.IN_REVIEW,
        submitted_at=timezone.now() - dt.timedelta(days=20),
    )
    fill(away, "Bortby")
    found = todo.for_user(liaison, today)
    assert found.coordinator is None
    review = found.police[0]
    assert [item.url for item in review.items] == [
        reverse("pledge-review", args=[older.pk]),
        reverse("pledge-review", args=[mine["in_review"].pk]),
    ]
    assert [item.waiting for item in review.items] == [20, 9]
    urls = _urls(found.police)
    assert urls["signatures_police"] == [
        reverse("agreement-sign", args=[mine["awaiting"].pk, "police"]),
        reverse("pledge-sign", args=[mine["approved"].pk, "police"]),
    ]
    # the police activity due soon; the municipality's overdue one is not theirs
    assert urls["follow_ups"] == [reverse("follow-up-create", args=[mine["due"].pk])]


# --- the county and the country -----------------------------------------------------


def test_the_county_officer_sees_the_municipalities_lacking_something(
    county_officer, home, neighbour, away, home_county, today
):
    fill(home, "Hemby")
    f.AgreementFactory(
        municipality=neighbour,
        status=Agreement.Status.SIGNED,
        signed_snapshot={},
        start_date=dt.date(2025, 1, 1),
    )
    f.SituationalPictureFactory(municipality=neighbour, is_current=True, decided_on=today)
    f.CoordinationFunctionFactory(municipality=neighbour)
    f.PledgeFactory(municipality=neighbour, status=Pledge.Status.PUBLISHED)
    found = todo.for_user(county_officer, today)
    assert found.coordinator is None and found.police is None and found.national is None
    [area] = found.county
    assert area.name == home_county.name and area.total == 2
    assert [row.municipality for row, _gaps in area.municipalities] == [home]
    # home's signed agreement ends within 30 days but is in force; its pledges are 2026's
    assert area.counts == {
        "agreement": 0,
        "picture": 1,
        "coordination": 1,
        "pledge": 0,
        "overdue": 1,
    }
    [(_row, gaps)] = area.municipalities
    assert gaps == [
        ("agreement", False),
        ("picture", True),
        ("coordination", True),
        ("pledge", False),
        ("overdue", True),
    ]
    cells = {gap: url for gap, _n, url in area.cells}
    dashboard = reverse("county-dashboard", args=[home_county.code])
    assert cells["overdue"] == dashboard + "?overdue=1"
    assert cells["pledge"] == dashboard + "?pledge=none"
    assert found.count == 1


def test_the_national_reader_sees_the_counties_side_by_side(
    national_reader, home, away, home_county, other_county, today
):
    fill(home, "Hemby")
    found = todo.for_user(national_reader, today)
    assert found.coordinator is None and found.police is None and found.county is None
    by_name = {area.name: area for area in found.national}
    assert set(by_name) == {home_county.name, other_county.name}
    assert by_name[home_county.name].counts["overdue"] == 1
    assert by_name[other_county.name].counts == {
        "agreement": 1,
        "picture": 1,
        "coordination": 1,
        "pledge": 1,
        "overdue": 0,
    }
    assert found.count == 0  # the national part is an overview, not a to-do list


def test_a_user_with_several_roles_sees_each_part(owner, police_org, county_board, today):
    f.MembershipFactory(user=owner, organisation=police_org, role=Role.POLICE_LIAISON)
    f.MembershipFactory(user=owner, organisation=county_board, role=Role.COUNTY_OFFICER)
    found = todo.for_user(owner, today)
    assert found.coordinator is not None
    assert found.police is not None
    assert found.county is not None


# --- the page -----------------------------------------------------------------------


def test_the_page_shows_the_parts_and_the_badge_counts(client_of, owner, home, liaison):
    fill(home, "Hemby", requester=owner, commenter=liaison)
    client = client_of(owner)
    body = client.get(reverse("home")).content.decode()
    assert "Hemby ändras" in body and "Hemby sen" in body
    awaiting = Agreement.objects.get(title="Hemby att underteckna")
    assert reverse("agreement-sign", args=[awaiting.pk, "municipality"]) in body
    # the badge, on the next page too, without counting again
    header = client.get(reverse("municipality-list")).content.decode().split("</nav>")[0]
    assert '<span class="tag tag--review">10<span class="visually-hidden">' in header


def test_the_page_never_lists_another_organisations_items(client_of, owner, outsider, home, away):
    fill(home, "Hemby", requester=owner)
    fill(away, "Bortby", requester=outsider)
    mine = client_of(owner).get(reverse("home")).content.decode()
    assert "Hemby ändras" in mine
    assert "Bortby" not in mine
    theirs = client_of(outsider).get(reverse("home")).content.decode()
    assert "Bortby ändras" in theirs
    assert "Hemby" not in theirs


def test_the_county_officer_page_links_the_filtered_dashboard(
    client_of, county_officer, home, home_county
):
    fill(home, "Hemby")
    body = client_of(county_officer).get(reverse("home")).content.decode()
    url = reverse("county-dashboard", args=[home_county.code])
    assert f'href="{url}?overdue=1"' in body
    assert "Hemby" in body


# --- queries ------------------------------------------------------------------------


def _grow(home, police_area, requester):
    """More of everything: the user's own municipality, three more in the county (and the
    police area), and a municipality in a county of its own."""

    def grow():
        for n in range(3):
            fill(home, f"Fler {n}", requester=requester, picture=False)
            more = f.MunicipalityFactory(code=f"91{n + 10}", name=f"Växby {n}", county=home.county)
            police_area.municipalities.add(more)
            fill(more, f"Växby {n}")
        county = f.CountyFactory(code="93", letter_code="CC", name="Tredje län")
        fill(f.MunicipalityFactory(code="9301", name="Tredjeby", county=county), "Tredjeby")

    return grow


@pytest.mark.parametrize("who", ["owner", "liaison", "county_officer", "national_reader"])
def test_the_start_page_costs_the_same_queries_at_two_sizes(
    request, client_of, who, home, neighbour, away, police_area
):
    user = request.getfixturevalue(who)
    fill(home, "Hemby", requester=user)
    fill(away, "Bortby")
    client = client_of(user)
    assert_constant_queries(client, reverse("home"), _grow(home, police_area, user))
    # the larger data is really on the page
    shown = {"owner": "Fler 2", "liaison": "Växby 2", "county_officer": "Växby 2"}
    assert shown.get(who, "Tredje län") in client.get(reverse("home")).content.decode()


def test_each_part_reads_a_fixed_number_of_queries(
    django_assert_max_num_queries, owner, liaison, county_officer, national_reader, home, today
):
    fill(home, "Hemby", requester=owner)
    for user in (owner, liaison, county_officer, national_reader):
        with django_assert_max_num_queries(20):
            todo.for_user(user, today)


@pytest.mark.parametrize("who", ["owner", "liaison", "reporter", "contact", "partner_admin"])
def test_the_start_page_is_read_by_sql_made_once(request, client_of, who, home, monkeypatch):
    """The coordinator's, the liaison's and the partners' start pages build no query
    through the ORM once the process has made its SQL (``councils.prepared``): building
    them cost more than PostgreSQL took to answer (issue 16). The county's and the
    country's parts are kept for the data's generation (``tests/followup/test_kept_rows``)."""
    user = request.getfixturevalue(who)
    fill(home, "Hemby", requester=user)
    assert built_by_the_orm(client_of(user), reverse("home"), monkeypatch) == []


def test_a_superuser_sees_the_country_not_every_coordinators_list(superuser, home, today):
    fill(home, "Hemby")
    found = todo.for_user(superuser, today)
    assert found.national is not None
    assert found.coordinator is None and found.police is None and found.county is None
