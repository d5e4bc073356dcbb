"""EST's services: the weekly totals kept in the same transaction as each report, the
retention job (run twice), the privacy checks, the checklist and the measures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from councils.concurrency import Conflict
from est import privacy, selectors, services
from est.models import EstMeeting, Measure, Report, TertialAnalysis, WeeklyTotal
from pledges.models import Activity
from tests import factories as f
from tests.est.conftest import TODAY

pytestmark = pytest.mark.django_db


def _report(owner, home, home_org, place, category, **extra):
    values = {"occurred_on": TODAY, "count": 2, "cost": 500} | extra
    report = Report(
        municipality=home, organisation=home_org, place=place, category=category, **values
    )
    return services.report_save(user=owner, report=report)


def _total(place, category, week):
    return WeeklyTotal.objects.filter(place=place, category=category, week=week).first()


# --- privacy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["811218-9876", "8112189876", "19811218-9876", "198112189876", "sågs 811218+9876."]
)
def test_personal_identity_numbers_are_found(text):
    assert privacy.personal_numbers(text)


@pytest.mark.parametrize(
    "text", ["811218-9875", "tel 018-123 45 67", "kostnad 12000 kr", "2026-11-25", "1234567890"]
)
def test_other_numbers_are_not_personal_numbers(text):
    assert privacy.personal_numbers(text) == []


def test_names_are_flagged_but_not_a_sentence_start():
    assert privacy.name_like("Vi såg Kalle Andersson vid porten.") == ["Kalle Andersson"]
    assert privacy.name_like("Klotter på väggen. Sen brann det.") == []
    assert privacy.name_like("Stora Torget är nedskräpat") == []


def test_the_service_refuses_a_personal_identity_number(owner, home, home_org, places, klotter):
    with pytest.raises(ValidationError) as refused:
        _report(owner, home, home_org, places[0], klotter, description="Gjort av 811218-9876")
    assert "description" in refused.value.message_dict
    assert not Report.objects.exists()
    assert not WeeklyTotal.objects.exists()


# --- the weekly totals ---------------------------------------------------------------------


def test_totals_follow_every_save_change_and_delete(owner, home, home_org, places, klotter, brand):
    week = services.week_of(TODAY)
    report = _report(owner, home, home_org, places[0], klotter)
    _report(owner, home, home_org, places[0], klotter, count=3, cost=0)
    total = _total(places[0], klotter, week)
    assert (total.count, total.cost) == (5, 500)

    report.category, report.count = brand, 4
    services.report_save(user=owner, report=report, expected_version=report.version)
    assert _total(places[0], klotter, week).count == 3
    assert _total(places[0], brand, week).count == 4

    report.refresh_from_db()
    services.report_delete(user=owner, report=report, expected_version=report.version)
    assert _total(places[0], brand, week) is None
    assert _total(places[0], klotter, week).count == 3


def test_totals_are_in_the_same_transaction_as_the_report(owner, home, home_org, places, klotter):
    """A failure after the report is saved takes its counts with it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        _report(owner, home, home_org, places[0], klotter)
        assert WeeklyTotal.objects.count() == 1
        raise RuntimeError
    assert not Report.objects.exists()
    assert not WeeklyTotal.objects.exists()


def test_a_stale_edit_changes_neither_report_nor_totals(owner, home, home_org, places, klotter):
    report = _report(owner, home, home_org, places[0], klotter)
    report.count = 9
    with pytest.raises(Conflict):
        services.report_save(user=owner, report=report, expected_version=report.version - 1)
    assert _total(places[0], klotter, services.week_of(TODAY)).count == 2


def test_a_place_of_another_municipality_is_refused(owner, home, home_org, away_place, klotter):
    with pytest.raises(ValidationError) as refused:
        _report(owner, home, home_org, away_place, klotter)
    assert "place" in refused.value.message_dict


def test_a_reporter_files_only_for_their_own_organisation(
    reporter, home, home_org, places, klotter
):
    with pytest.raises(ValidationError) as refused:
        _report(reporter, home, home_org, places[0], klotter)
    assert "organisation" in refused.value.message_dict


def test_a_reporter_sees_only_their_organisations_reports(
    owner, reporter, home, home_org, places, klotter
):
    _report(owner, home, home_org, places[0], klotter)
    theirs = services.organisations_for_reporting(reporter, home)[0]
    _report(reporter, home, theirs, places[1], klotter)
    assert services.reports_visible_to(owner, home).count() == 2
    assert [r.organisation for r in services.reports_visible_to(reporter, home)] == [theirs]


# --- retention -------------------------------------------------------------------------------


def test_retention_keeps_the_counts_and_runs_twice(owner, home, home_org, places, klotter):
    old_day = TODAY - dt.timedelta(days=800)
    old = _report(owner, home, home_org, places[0], klotter, occurred_on=old_day)
    _report(owner, home, home_org, places[0], klotter)
    old_week = services.week_of(old_day)

    assert services.reports_expire() == 1
    assert services.reports_expire() == 0

    assert list(Report.objects.values_list("occurred_on", flat=True)) == [TODAY]
    assert not Report.history.filter(id=old.pk).exists()
    total = _total(places[0], klotter, old_week)
    assert (total.count, total.cost, total.retained) == (2, 500, 1)
    picture = selectors.picture(home, selectors.Filters(week=old_week, weeks=1))
    assert picture.this_week == 2


def test_retention_makes_a_missing_total_from_the_reports(owner, home, home_org, places, klotter):
    old_day = TODAY - dt.timedelta(days=800)
    _report(owner, home, home_org, places[0], klotter, occurred_on=old_day, count=7)
    WeeklyTotal.objects.all().delete()  # reports loaded without the services
    services.reports_expire()
    services.reports_expire()
    total = WeeklyTotal.objects.get()
    assert (total.count, total.retained) == (7, 1)


def test_retention_is_a_few_statements_a_batch_and_writes_no_history(
    owner, home, home_org, places, klotter, brand, django_assert_num_queries
):
    """However many reports and weeks a batch holds, the same statements: select, group,
    the totals read and updated in bulk, the history and the reports deleted. A plain
    delete() would write (and then remove) a history row per report."""

    def expire_at(size: int) -> None:
        for number in range(size):
            day = TODAY - dt.timedelta(days=800 + 7 * number)
            category = (klotter, brand)[number % 2]
            _report(owner, home, home_org, places[number % 2], category, occurred_on=day)
        history_before = Report.history.count()
        with django_assert_num_queries(11):  # one batch, then the select that finds none
            assert services.reports_expire() == size
        assert Report.history.count() == history_before - size
        assert not Report.objects.exists()

    expire_at(2)
    expire_at(12)
    assert sum(WeeklyTotal.objects.values_list("retained", flat=True)) == 14


def test_retention_adds_to_a_total_of_many_reports(owner, home, home_org, places, klotter):
    old_day = TODAY - dt.timedelta(days=800)
    for _ in range(3):
        _report(owner, home, home_org, places[0], klotter, occurred_on=old_day)
    _report(owner, home, home_org, places[0], klotter, occurred_on=old_day + dt.timedelta(1))
    assert services.reports_expire(batch=2) == 4
    total = _total(places[0], klotter, services.week_of(old_day))
    assert (total.count, total.cost, total.retained) == (8, 2000, 4)


def test_retention_age_comes_from_the_settings(settings, owner, home, home_org, places, klotter):
    settings.EST_RETENTION_MONTHS = 1
    _report(owner, home, home_org, places[0], klotter, occurred_on=TODAY - dt.timedelta(days=40))
    assert services.reports_expire() == 1


# --- the weekly checklist -------------------------------------------------------------------


def test_the_checklist_is_saved_all_at_once_and_replaced(
    owner, home, home_org, places, klotter, brand
):
    week = services.week_of(TODAY)
    cells = {
        (places[0].pk, klotter.pk): 3,
        (places[1].pk, brand.pk): 1,
        (places[1].pk, klotter.pk): 0,
    }
    saved = services.checklist_save(
        user=owner, municipality=home, organisation=home_org, week=TODAY, cells=cells
    )
    assert saved == 2
    assert services.checklist_counts(home, home_org, week) == {
        (places[0].pk, klotter.pk): 3,
        (places[1].pk, brand.pk): 1,
    }
    services.checklist_save(
        user=owner,
        municipality=home,
        organisation=home_org,
        week=TODAY,
        cells={(places[0].pk, klotter.pk): 1},
    )
    assert _total(places[0], klotter, week).count == 1
    assert _total(places[1], brand, week) is None


def test_a_checklist_with_a_foreign_place_saves_nothing(
    owner, home, home_org, places, away_place, klotter
):
    cells = {(places[0].pk, klotter.pk): 3, (away_place.pk, klotter.pk): 1}
    with pytest.raises(ValidationError):
        services.checklist_save(
            user=owner, municipality=home, organisation=home_org, week=TODAY, cells=cells
        )
    assert not Report.objects.exists()


# --- the EST meeting and the tertial ------------------------------------------------------


def test_a_measure_becomes_an_activity_of_the_draft_pledge(owner, home, places):
    pledge = f.PledgeFactory(
        municipality=home, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    meeting = services.meeting_save(
        user=owner, meeting=EstMeeting(municipality=home, held_on=TODAY)
    )
    measure = services.measure_add(
        user=owner,
        measure=Measure(
            meeting=meeting, kind=Measure.Kind.ACTIVITY, title="Belysning", place=places[0]
        ),
        description="Mer ljus vid torget",
    )
    activity = Activity.objects.get(pk=measure.activity_id)
    assert activity.pledge == pledge
    assert activity.type == Activity.Type.SITUATIONAL
    assert "Stortorget" in activity.description


def test_a_task_needs_a_responsible_organisation_and_a_date(owner, home):
    meeting = services.meeting_save(
        user=owner, meeting=EstMeeting(municipality=home, held_on=TODAY)
    )
    with pytest.raises(ValidationError) as refused:
        services.measure_add(user=owner, measure=Measure(meeting=meeting, title="Städa"))
    assert {"responsible", "due_on"} <= set(refused.value.message_dict)


def test_an_attached_tertial_keeps_its_numbers(owner, home, home_org, places, klotter):
    _report(owner, home, home_org, places[0], klotter, occurred_on=dt.date(2026, 10, 5))
    picture = f.SituationalPictureFactory(municipality=home)
    analysis = services.tertial_save(
        user=owner, analysis=TertialAnalysis(municipality=home, year=2026, tertial=3)
    )
    services.tertial_attach(
        user=owner,
        analysis=analysis,
        picture=picture,
        numbers=selectors.tertial_numbers(analysis),
        expected_version=analysis.version,
    )
    _report(owner, home, home_org, places[0], klotter, occurred_on=dt.date(2026, 10, 6))
    analysis.refresh_from_db()
    assert analysis.snapshot["count"] == 2
    assert selectors.tertial_numbers(analysis)["count"] == 4
