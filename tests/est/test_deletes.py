"""Deleting places, categories, EST meetings and decided measures.

What is decided: a place or category that reports or weekly totals count is never
deleted (the weekly picture would change under the readers' feet); the page says so
and offers to take it out of use instead, which keeps every count and takes no new
reports. A meeting goes with its tasks; a meeting or measure that became an activity
in the citizen pledge is kept as that activity's origin. Only who holds EDIT on the
municipality (its coordinators) may delete; everyone else gets 404.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from councils import dates
from est import services
from est.models import Category, EstMeeting, Measure, Place, Report, WeeklyTotal
from pledges.models import Activity
from tests import factories as f
from tests.est.conftest import TODAY

pytestmark = pytest.mark.django_db


def _report(owner, home, home_org, place, category, count=3):
    return services.report_save(
        user=owner,
        report=Report(
            municipality=home,
            organisation=home_org,
            place=place,
            category=category,
            occurred_on=TODAY,
            count=count,
        ),
    )


def _totals(home) -> list[tuple]:
    return sorted(
        WeeklyTotal.objects.filter(municipality=home).values_list(
            "place__name", "category__name", "week", "count"
        )
    )


def _meeting(home):
    return EstMeeting.objects.create(municipality=home, held_on=TODAY)


def _task(meeting, organisation, title="Städa torget"):
    return Measure.objects.create(
        meeting=meeting, title=title, responsible=organisation, due_on=TODAY
    )


# --- places ---------------------------------------------------------------------------


def test_an_unused_place_is_deleted_and_its_measures_keep_their_text(
    client_of, owner, home, home_org, places
):
    place = places[0]
    task = Measure.objects.create(
        meeting=_meeting(home), title="Belysning", place=place, responsible=home_org, due_on=TODAY
    )
    client = client_of(owner)
    url = reverse("est-place-delete", args=[place.pk])
    page = client.get(url).content.decode()
    assert "Radera platsen" in page and "utan platsen" in page
    response = client.post(url, {"version": place.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("est-place-list", args=[home.code])
    assert not Place.objects.filter(pk=place.pk).exists()
    task.refresh_from_db()
    assert (task.title, task.place_id) == ("Belysning", None)
    assert Place.history.filter(id=place.pk, history_type="-").get().history_user == owner


def test_a_place_with_reports_is_kept_and_can_be_taken_out_of_use(
    client_of, owner, home, home_org, places, klotter
):
    place = places[0]
    _report(owner, home, home_org, place, klotter)
    before = _totals(home)
    client = client_of(owner)
    url = reverse("est-place-delete", args=[place.pk])
    page = client.get(url).content.decode()
    assert "behålls så att veckosiffrorna stämmer" in page
    assert 'name="version"' not in page  # no delete button, only the way out
    assert reverse("est-place-edit", args=[place.pk]) in page
    response = client.post(url, {"version": place.version})
    assert response.status_code == 400
    assert "Markera den som ej i bruk" in response.content.decode()
    assert Place.objects.filter(pk=place.pk).exists()
    assert _totals(home) == before


def test_a_place_whose_reports_were_retained_is_kept(owner, home, home_org, places, klotter):
    """The retention job deleted the reports; their counts still name the place."""
    place = places[0]
    WeeklyTotal.objects.create(
        municipality=home, place=place, category=klotter, week=TODAY, count=4, retained=2
    )
    with pytest.raises(Exception, match="veckosiffrorna"):
        services.place_delete(user=owner, place=place, expected_version=place.version)
    assert Place.objects.filter(pk=place.pk).exists()


# --- categories -------------------------------------------------------------------------


def test_an_own_unused_category_is_deleted(client_of, owner, home):
    category = Category.objects.create(municipality=home, name="Glaskross")
    client = client_of(owner)
    assert "Glaskross" in client.get(reverse("est-category-list", args=[home.code])).text
    response = client.post(
        reverse("est-category-delete", args=[category.pk]), {"version": category.version}
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()


def test_a_category_with_reports_is_kept_and_taken_out_of_use_with_its_counts(
    client_of, owner, home, home_org, places
):
    category = Category.objects.create(municipality=home, name="Glaskross")
    _report(owner, home, home_org, places[0], category, count=5)
    before = _totals(home)
    client = client_of(owner)
    url = reverse("est-category-delete", args=[category.pk])
    page = client.get(url).content.decode()
    assert "Kategorin behålls" in page or "kategorin behålls" in page
    assert reverse("est-category-in-use", args=[category.pk]) in page
    assert client.post(url, {"version": category.version}).status_code == 400
    assert Category.objects.filter(pk=category.pk).exists()

    response = client.post(
        reverse("est-category-in-use", args=[category.pk]),
        {"version": category.version, "in_use": "0"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.active
    # the counts stay in the picture, the category takes no new reports
    assert _totals(home) == before
    assert "Glaskross" in client.get(reverse("est-picture", args=[home.code])).text
    form = client.get(reverse("est-report-create", args=[home.code])).text
    offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', form)
    assert offered and all(name.strip() != "Glaskross" for _pk, name in offered)
    checklist = client.get(reverse("est-checklist", args=[home.code])).text
    assert "Glaskross" not in checklist
    with pytest.raises(Exception, match="tagen ur bruk"):
        _report(owner, home, home_org, places[0], category)
    # a report already in it can still be changed and keeps its category
    report = Report.objects.get(category=category)
    edit = client.get(reverse("est-report-edit", args=[report.pk])).text
    assert f'value="{category.pk}" selected' in edit

    again = client.post(
        reverse("est-category-in-use", args=[category.pk]),
        {"version": category.version, "in_use": "1"},
    )
    assert again.status_code == 302
    category.refresh_from_db()
    assert category.active


def test_taking_a_category_out_of_use_at_a_stale_version_answers_409(client_of, owner, home):
    category = Category.objects.create(municipality=home, name="Glaskross")
    Category.objects.filter(pk=category.pk).update(version=2)
    response = client_of(owner).post(
        reverse("est-category-in-use", args=[category.pk]), {"version": "1", "in_use": "0"}
    )
    assert response.status_code == 409
    assert "Ingenting har ändrats" in response.content.decode()
    assert Category.objects.get(pk=category.pk).active


def test_ests_shared_categories_cannot_be_deleted_or_taken_out_of_use(
    client_of, owner, home, klotter
):
    client = client_of(owner)
    assert client.get(reverse("est-category-delete", args=[klotter.pk])).status_code == 404
    response = client.post(
        reverse("est-category-in-use", args=[klotter.pk]),
        {"version": klotter.version, "in_use": "0"},
    )
    assert response.status_code == 404
    assert Category.objects.get(pk=klotter.pk).active
    with pytest.raises(Exception, match="delas av alla kommuner"):
        services.category_delete(user=owner, category=klotter, expected_version=klotter.version)


# --- meetings and measures -----------------------------------------------------------------


def test_a_meeting_is_deleted_with_its_tasks(client_of, owner, home, home_org):
    meeting = _meeting(home)
    tasks = [_task(meeting, home_org, "Städa"), _task(meeting, home_org, "Belysning")]
    client = client_of(owner)
    url = reverse("est-meeting-delete", args=[meeting.pk])
    assert "2 beslutade åtgärder raderas" in client.get(url).text
    response = client.post(url, {"version": meeting.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("est-meeting-list", args=[home.code])
    assert not EstMeeting.objects.filter(pk=meeting.pk).exists()
    assert not Measure.objects.filter(pk__in=[t.pk for t in tasks]).exists()
    deleted = Measure.history.filter(history_type="-", id__in=[t.pk for t in tasks])
    assert {h.history_user for h in deleted} == {owner}


def test_a_meeting_or_measure_that_became_an_activity_is_kept(client_of, owner, home, home_org):
    meeting = _meeting(home)
    activity = f.ActivityFactory(pledge=f.PledgeFactory(municipality=home))
    measure = Measure.objects.create(
        meeting=meeting, kind=Measure.Kind.ACTIVITY, title="Trygghetsvandring", activity=activity
    )
    client = client_of(owner)
    for url, record in (
        (reverse("est-meeting-delete", args=[meeting.pk]), meeting),
        (reverse("est-measure-delete", args=[measure.pk]), measure),
    ):
        assert "medborgarlöftet" in client.get(url).text
        assert client.post(url, {"version": record.version}).status_code == 400
    assert EstMeeting.objects.filter(pk=meeting.pk).exists()
    assert Measure.objects.filter(pk=measure.pk).exists()
    # once the activity is removed from the pledge, the measure may go
    Activity.objects.filter(pk=activity.pk).update(deleted_at=dates.now())
    response = client.post(
        reverse("est-measure-delete", args=[measure.pk]), {"version": measure.version}
    )
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_a_task_is_deleted_from_its_meeting(client_of, owner, home, home_org):
    meeting = _meeting(home)
    task = _task(meeting, home_org)
    client = client_of(owner)
    detail = client.get(reverse("est-meeting-detail", args=[meeting.pk])).text
    assert reverse("est-measure-delete", args=[task.pk]) in detail
    response = client.post(reverse("est-measure-delete", args=[task.pk]), {"version": task.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("est-meeting-detail", args=[meeting.pk])
    assert not Measure.objects.filter(pk=task.pk).exists()


# --- who may delete ------------------------------------------------------------------------


def _new_urls(home, home_org, place):
    category = Category.objects.create(municipality=home, name="Glaskross")
    meeting = _meeting(home)
    task = _task(meeting, home_org)
    return [
        (reverse("est-place-delete", args=[place.pk]), Place, place.pk),
        (reverse("est-category-delete", args=[category.pk]), Category, category.pk),
        (reverse("est-category-in-use", args=[category.pk]), Category, category.pk),
        (reverse("est-meeting-delete", args=[meeting.pk]), EstMeeting, meeting.pk),
        (reverse("est-measure-delete", args=[task.pk]), Measure, task.pk),
    ]


@pytest.mark.parametrize(
    "who", ["contact", "partner_admin", "school_contact", "away_contact", "outsider", "liaison"]
)
def test_only_the_municipalitys_coordinators_delete(
    request, client_of, home, home_org, places, who
):
    """A partner of the municipality (reporting or not), a partner of another
    municipality, another municipality's coordinator and the police liaison (who
    reports but does not keep the municipality's lists) all get 404 and change nothing."""
    user = request.getfixturevalue(who)
    client = client_of(user)
    for url, model, pk in _new_urls(home, home_org, places[0]):
        assert client.get(url).status_code == 404, (who, url)
        response = client.post(url, {"version": "1", "in_use": "0"})
        assert response.status_code == 404, (who, url)
        assert model.objects.filter(pk=pk).exists()
    assert Category.objects.get(name="Glaskross").active
