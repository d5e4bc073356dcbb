"""Dates users can trust in pledges: the new pledge's proposed year, renewal that moves
every date and relinks what it can, activities inside their pledge's period, and bad
periods that answer a Swedish message instead of a 500.

The clock is frozen (``time_machine``) and every date below is built from the frozen
day, inside the test: nothing depends on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement
from councils import dates
from pledges import importexport, renewal, services
from pledges.forms import ActivityForm
from pledges.models import Activity, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def travel(year: int, month: int, day: int):
    """Freeze the clock at noon in Stockholm on that day."""
    return time_machine.travel(dt.datetime(year, month, day, 12, tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def on_30_november():
    with travel(2026, 11, 30):
        yield dates.today()


@pytest.fixture
def on_15_march():
    with travel(2026, 3, 15):
        yield dates.today()


def whole_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def signed_agreement(municipality, start: dt.date, end: dt.date, **values) -> Agreement:
    return f.AgreementFactory(
        municipality=municipality,
        start_date=start,
        end_date=end,
        status=Agreement.Status.SIGNED,
        signed_snapshot={},
        **values,
    )


def proposed(client, municipality) -> dict:
    response = client.get(reverse("pledge-create", args=[municipality.code]))
    assert response.status_code == 200
    return response.context["form"].initial


# --- 1. the new pledge's defaults ------------------------------------------------------


def test_on_30_november_with_this_years_pledge_signed_next_year_is_proposed(
    client_of, owner, home, on_30_november
):
    year = on_30_november.year
    start, end = whole_year(year)
    f.PledgeFactory(
        municipality=home, period_start=start, period_end=end, status=Pledge.Status.PUBLISHED
    )
    # the agreement that ends this year is not the one for next year's pledge
    signed_agreement(home, dt.date(year - 3, 1, 1), end, title="Gamla överenskommelsen")
    in_force = signed_agreement(home, dt.date(year + 1, 1, 1), dt.date(year + 4, 12, 31))
    f.AgreementFactory(municipality=home, start_date=start, end_date=dt.date(year + 4, 12, 31))

    initial = proposed(client_of(owner), home)

    assert initial["title"] == f"Medborgarlöfte Hemby kommun {year + 1}"
    assert (initial["period_start"], initial["period_end"]) == whole_year(year + 1)
    assert initial["agreement"] == in_force.pk
    page = client_of(owner).get(reverse("pledge-create", args=[home.code])).content.decode()
    assert f'value="Medborgarlöfte Hemby kommun {year + 1}"' in page
    assert f'value="{year + 1}-01-01"' in page and f'value="{year + 1}-12-31"' in page
    assert f'<option value="{in_force.pk}" selected>' in page


def test_on_15_march_without_a_pledge_this_year_is_proposed(client_of, owner, home, on_15_march):
    year = on_15_march.year
    last_year = whole_year(year - 1)
    f.PledgeFactory(municipality=home, period_start=last_year[0], period_end=last_year[1])
    in_force = signed_agreement(home, dt.date(year - 1, 1, 1), dt.date(year + 2, 12, 31))

    initial = proposed(client_of(owner), home)

    assert initial["title"] == f"Medborgarlöfte Hemby kommun {year}"
    assert (initial["period_start"], initial["period_end"]) == whole_year(year)
    assert initial["agreement"] == in_force.pk


def test_on_15_march_a_draft_of_this_years_pledge_makes_next_year_the_proposal(
    client_of, owner, home, on_15_march
):
    year = on_15_march.year
    start, end = whole_year(year)
    f.PledgeFactory(municipality=home, period_start=start, period_end=end)

    initial = proposed(client_of(owner), home)

    assert (initial["period_start"], initial["period_end"]) == whole_year(year + 1)
    assert initial["agreement"] is None


def test_from_the_configured_day_next_year_is_proposed(client_of, owner, home, settings):
    settings.PLEDGE_NEXT_YEAR_FROM = (10, 15)
    with travel(2026, 10, 14):
        year = dates.today().year
        assert proposed(client_of(owner), home)["period_start"] == dt.date(year, 1, 1)
    with travel(2026, 10, 15):
        year = dates.today().year
        assert proposed(client_of(owner), home)["period_start"] == dt.date(year + 1, 1, 1)


def test_the_default_configured_day_is_1_september(settings, home):
    assert settings.PLEDGE_NEXT_YEAR_FROM == (9, 1)
    with travel(2026, 8, 31):
        year = dates.today().year
        assert services.new_pledge_defaults(home)["period_start"] == dt.date(year, 1, 1)
    with travel(2026, 9, 1):
        year = dates.today().year
        assert services.new_pledge_defaults(home)["period_start"] == dt.date(year + 1, 1, 1)


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("Uppsala", "Uppsala kommun"),
        ("Gotland", "Region Gotland"),
        ("Falun", "Falu kommun"),
        ("Region Gotland", "Region Gotland"),
        ("Hemby kommun", "Hemby kommun"),
    ],
)
def test_the_title_uses_the_official_name(name, official, home, on_15_march):
    home.name = name
    assert services.new_pledge_defaults(home)["title"] == (
        f"Medborgarlöfte {official} {on_15_march.year}"
    )


# --- 2. renewal moves dates and relinks --------------------------------------------------


@pytest.fixture
def year_plan(home, owner, on_30_november):
    """This year's published pledge with an activity carried over, problems of last
    year's lägesbild, and a goal of the agreement that ends this year."""
    year = on_30_november.year
    start, end = whole_year(year)
    old_picture = f.SituationalPictureFactory(
        municipality=home, period_start=dt.date(year - 2, 1, 1), period_end=dt.date(year - 1, 6, 30)
    )
    carried = f.PriorityProblemFactory(picture=old_picture, title="Otrygghet i centrum")
    dropped = f.PriorityProblemFactory(picture=old_picture, title="Klotter vid skolor")
    current = f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        period_start=dt.date(year - 1, 7, 1),
        period_end=dt.date(year, 6, 30),
    )
    carried_now = f.PriorityProblemFactory(picture=current, title="otrygghet i  centrum")
    old_agreement = signed_agreement(home, dt.date(year - 3, 1, 1), end)
    old_goal = f.GoalFactory(agreement=old_agreement, text="Ökad trygghet i centrum")
    lost_goal = f.GoalFactory(agreement=old_agreement, text="Färre rån")
    new_agreement = signed_agreement(home, dt.date(year + 1, 1, 1), dt.date(year + 4, 12, 31))
    new_goal = f.GoalFactory(agreement=new_agreement, text="Ökad trygghet i centrum")
    pledge = f.PledgeFactory(
        municipality=home,
        title=f"Medborgarlöfte Hemby {year}",
        period_start=start,
        period_end=end,
        agreement=old_agreement,
        public_text=f"Under {year} lovar vi fler vuxna ute. Sedan {year - 10} arbetar vi ihop.",
        status=Pledge.Status.PUBLISHED,
    )
    pledge.problems.set([carried, dropped])
    walk = f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        start_date=dt.date(year, 2, 1),
        end_date=dt.date(year, 11, 30),
        next_follow_up=dt.date(year, 12, 15),
        status=Activity.Status.ONGOING,
        problem=carried,
        goal=old_goal,
    )
    graffiti = f.ActivityFactory(
        pledge=pledge,
        title="Klottersanering",
        start_date=dt.date(year, 3, 1),
        end_date=None,
        status=Activity.Status.NOT_DONE,
        problem=dropped,
        goal=lost_goal,
    )
    f.ActivityFactory(
        pledge=pledge,
        title="Klar",
        start_date=dt.date(year, 1, 10),
        end_date=None,
        status=Activity.Status.DONE,
    )
    return {
        "year": year,
        "pledge": pledge,
        "walk": walk,
        "graffiti": graffiti,
        "carried_now": carried_now,
        "dropped": dropped,
        "new_agreement": new_agreement,
        "new_goal": new_goal,
        "lost_goal": lost_goal,
    }


def test_renewal_moves_dates_title_and_text_and_relinks(owner, year_plan):
    year, pledge = year_plan["year"], year_plan["pledge"]

    renewed = renewal.pledge_renew(user=owner, pledge=pledge)

    assert renewed.title == f"Medborgarlöfte Hemby {year + 1}"
    assert (renewed.period_start, renewed.period_end) == whole_year(year + 1)
    assert renewed.public_text == (
        f"Under {year + 1} lovar vi fler vuxna ute. Sedan {year - 10} arbetar vi ihop."
    )
    assert renewed.agreement == year_plan["new_agreement"]
    assert set(renewed.problems.all()) == {year_plan["carried_now"], year_plan["dropped"]}
    walk = renewed.activities.get(title="Trygghetsvandring")
    assert (walk.start_date, walk.end_date, walk.next_follow_up) == (
        dt.date(year + 1, 2, 1),
        dt.date(year + 1, 11, 30),
        dt.date(year + 1, 12, 15),
    )
    assert walk.problem == year_plan["carried_now"]
    assert walk.goal == year_plan["new_goal"]
    graffiti = renewed.activities.get(title="Klottersanering")
    assert (graffiti.start_date, graffiti.end_date) == (dt.date(year + 1, 3, 1), None)
    assert graffiti.status == Activity.Status.PLANNED
    assert graffiti.problem == year_plan["dropped"]  # kept, and listed for checking
    assert graffiti.goal == year_plan["lost_goal"]
    kinds = sorted(note["kind"] for note in renewed.renewal_notes)
    assert kinds == ["activity_goal", "activity_problem", "problem", "public_text"]


def test_the_editor_lists_what_the_renewal_could_not_map(client_of, owner, year_plan):
    renewed = renewal.pledge_renew(user=owner, pledge=year_plan["pledge"])
    page = client_of(owner).get(reverse("pledge-detail", args=[renewed.pk])).content.decode()
    assert 'id="renewal-notes"' in page
    assert "Klotter vid skolor" in page and "Färre rån" in page
    assert "Kontrollera innan du skickar löftet för granskning" in page
    # a pledge that was not renewed has no such notice
    original = client_of(owner).get(reverse("pledge-detail", args=[year_plan["pledge"].pk]))
    assert 'id="renewal-notes"' not in original.content.decode()


def test_renewal_without_an_agreement_for_next_year_keeps_the_old_one_and_says_so(
    owner, home, on_30_november
):
    year = on_30_november.year
    start, end = whole_year(year)
    agreement = signed_agreement(home, dt.date(year - 3, 1, 1), end, title="Överenskommelse")
    pledge = f.PledgeFactory(
        municipality=home, period_start=start, period_end=end, agreement=agreement
    )
    renewed = renewal.pledge_renew(user=owner, pledge=pledge)
    assert renewed.agreement == agreement
    assert renewed.renewal_notes == [{"kind": "agreement", "name": "Överenskommelse"}]
    assert renewal.renewal_notices(renewed) == [
        f"Ingen undertecknad överenskommelse täcker {year + 1}-01-01–{year + 1}-12-31: "
        "löftet pekar fortfarande på ”Överenskommelse”."
    ]


def test_renewing_a_pledge_that_ends_9999_12_31_answers_a_swedish_message(
    client_of, owner, home, on_30_november
):
    pledge = f.PledgeFactory(
        municipality=home,
        period_start=dt.date(on_30_november.year, 1, 1),
        period_end=dt.date(9999, 12, 31),
    )
    client = client_of(owner)
    response = client.post(reverse("pledge-renew", args=[pledge.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("pledge-detail", args=[pledge.pk])
    page = client.get(response["Location"]).content.decode()
    assert "nästa års period skulle hamna utanför" in page
    assert not Pledge.objects.filter(predecessor=pledge).exists()


def test_renewing_into_a_year_after_2100_is_refused(owner, home, on_30_november):
    pledge = f.PledgeFactory(
        municipality=home, period_start=dt.date(2100, 1, 1), period_end=dt.date(2100, 12, 31)
    )
    with pytest.raises(ValidationError, match="2100-12-31"):
        renewal.pledge_renew(user=owner, pledge=pledge)


# --- 3. activity dates inside the pledge's period ------------------------------------------


@pytest.fixture
def next_years_pledge(home, on_30_november):
    start, end = whole_year(on_30_november.year + 1)
    return f.PledgeFactory(municipality=home, period_start=start, period_end=end)


def activity_data(**values) -> dict:
    return {
        "title": "Nattvandring",
        "type": "social",
        "status": "planned",
        "responsible_party": "joint",
        "cadence": "tertial",
        **values,
    }


def test_the_activity_form_refuses_a_date_outside_the_period(next_years_pledge):
    pledge = next_years_pledge
    year = pledge.period_start.year
    form = ActivityForm(
        activity_data(
            start_date=dt.date(year + 1, 6, 15).isoformat(),
            end_date=dt.date(year - 1, 12, 31).isoformat(),
        ),
        instance=Activity(pledge=pledge),
        pledge=pledge,
    )
    assert not form.is_valid()
    message = f"Datumet måste ligga inom löftets period {year}-01-01–{year}-12-31."
    assert form.errors["start_date"] == [message]
    # the end before the start is the first thing to put right
    assert form.errors["end_date"] == ["Aktiviteten måste sluta efter att den har börjat."]


def test_the_activity_form_refuses_a_follow_up_after_the_pledge_ends(next_years_pledge):
    pledge = next_years_pledge
    year = pledge.period_start.year
    form = ActivityForm(
        activity_data(
            start_date=dt.date(year, 6, 15).isoformat(),
            next_follow_up=dt.date(year + 1, 1, 1).isoformat(),
        ),
        instance=Activity(pledge=pledge),
        pledge=pledge,
    )
    assert not form.is_valid()
    assert form.errors["next_follow_up"] == [
        f"Nästa uppföljning får inte ligga efter löftets slut, {year}-12-31."
    ]
    inside = ActivityForm(
        activity_data(
            start_date=dt.date(year, 6, 15).isoformat(),
            end_date=dt.date(year, 12, 31).isoformat(),
            next_follow_up=dt.date(year, 12, 31).isoformat(),
        ),
        instance=Activity(pledge=pledge),
        pledge=pledge,
    )
    assert inside.is_valid(), inside.errors


def test_the_service_refuses_dates_outside_the_period(owner, next_years_pledge):
    pledge = next_years_pledge
    year = pledge.period_start.year
    activity = Activity(
        pledge=pledge,
        title="Nattvandring",
        type="social",
        responsible_party="joint",
        start_date=dt.date(year + 1, 6, 15),
        next_follow_up=dt.date(year + 1, 6, 15),
    )
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=owner, activity=activity)
    assert error.value.message_dict["start_date"] == [
        f"Datumet måste ligga inom löftets period {year}-01-01–{year}-12-31."
    ]
    assert "next_follow_up" in error.value.message_dict
    assert not pledge.activities.exists()


def test_the_import_reports_a_row_dated_outside_the_period(owner, next_years_pledge):
    pledge = next_years_pledge
    year = pledge.period_start.year
    content = (
        "title;type;responsible_party;start_date\r\n"
        f"Inom;social;joint;{year}-05-01\r\n"
        f"Utanför;social;joint;{year + 1}-06-15\r\n"
    ).encode()
    report = importexport.import_activities(
        user=owner, pledge=pledge, name="plan.csv", content=content
    )
    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].startswith("Rad 3:")
    assert f"{year}-01-01–{year}-12-31" in report.errors[0]
    assert not pledge.activities.exists()


def test_a_new_period_that_leaves_activities_outside_is_refused_with_their_names(
    owner, next_years_pledge
):
    pledge = next_years_pledge
    year = pledge.period_start.year
    f.ActivityFactory(
        pledge=pledge, title="Sommarvandring", start_date=dt.date(year, 7, 1), end_date=None
    )
    f.ActivityFactory(
        pledge=pledge, title="Vårvandring", start_date=dt.date(year, 3, 1), end_date=None
    )
    pledge.period_start = dt.date(year, 6, 1)
    with pytest.raises(ValidationError, match="Vårvandring") as error:
        services.pledge_save(user=owner, pledge=pledge, expected_version=pledge.version)
    assert "Sommarvandring" not in str(error.value)
    pledge.refresh_from_db()
    assert pledge.period_start == dt.date(year, 1, 1)


def test_an_unchanged_period_does_not_block_other_edits(owner, next_years_pledge):
    """An activity already dated outside (data from before the rule) is put right at
    the activity; meanwhile the pledge's text can still be saved."""
    pledge = next_years_pledge
    year = pledge.period_start.year
    f.ActivityFactory(pledge=pledge, start_date=dt.date(year + 1, 2, 1), end_date=None)
    pledge.public_text = "Ny text."
    services.pledge_save(user=owner, pledge=pledge, expected_version=pledge.version)
    pledge.refresh_from_db()
    assert pledge.public_text == "Ny text."


def test_the_editor_refuses_a_period_that_leaves_an_activity_outside(
    client_of, owner, next_years_pledge
):
    pledge = next_years_pledge
    year = pledge.period_start.year
    f.ActivityFactory(
        pledge=pledge, title="Vårvandring", start_date=dt.date(year, 3, 1), end_date=None
    )
    response = client_of(owner).post(
        reverse("pledge-section", args=[pledge.pk, "basics"]),
        {
            "title": pledge.title,
            "period_start": dt.date(year, 6, 1).isoformat(),
            "period_end": pledge.period_end.isoformat(),
            "area": "",
            "vulnerable_area": "",
            "agreement": "",
            "version": pledge.version,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "De här aktiviteterna skulle hamna utanför perioden" in body
    assert "Vårvandring" in body
    pledge.refresh_from_db()
    assert pledge.period_start == dt.date(year, 1, 1)


def test_the_activity_row_form_shows_the_period_at_the_field(client_of, owner, next_years_pledge):
    pledge = next_years_pledge
    year = pledge.period_start.year
    response = client_of(owner).post(
        reverse("activity-create", args=[pledge.pk]),
        {
            f"activity-new-{name}": value
            for name, value in activity_data(
                start_date=dt.date(year + 1, 6, 15).isoformat()
            ).items()
        },
    )
    assert response.status_code == 400
    assert f"Datumet måste ligga inom löftets period {year}-01-01–{year}-12-31." in (
        response.content.decode()
    )
    assert not pledge.activities.exists()


def test_the_renewal_notice_is_gone_once_the_draft_is_sent_for_review(client_of, owner, year_plan):
    renewed = renewal.pledge_renew(user=owner, pledge=year_plan["pledge"])
    Pledge.objects.filter(pk=renewed.pk).update(status=Pledge.Status.CHANGES_REQUESTED)
    page = client_of(owner).get(reverse("pledge-detail", args=[renewed.pk])).content.decode()
    assert 'id="renewal-notes"' not in page
