"""Every delete carries the version the user saw (councils.concurrency.delete_versioned).

For each delete page: a stale version answers 409 with the record as it is stored now
and deletes nothing; a missing version is treated as a stale one (409, as
``lock_at_version`` treats every missing version); the version the page shows
deletes. Sources and dialogues are never edited, so they carry no version and their
deletes need none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from agreements.models import Source
from attachments import services as attachment_services
from councils import dates
from councils import services as council_services
from councils.concurrency import Conflict, bump, delete_versioned
from councils.models import Council
from est.models import Category, EstMeeting, Measure, Place, Report
from pledges.models import Activity, Dialogue
from tests import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Delete:
    url: str
    build: Callable  # (home) -> the record to delete
    gone: Callable = lambda record: not type(record).objects.filter(pk=record.pk).exists()


def _picture(home):
    return f.SituationalPictureFactory(municipality=home)


def _agreement(home):
    return f.AgreementFactory(municipality=home)


def _pledge(home):
    return f.PledgeFactory(municipality=home)


def _attachment(home):
    meeting = f.MeetingFactory(council=f.CouncilFactory(municipality=home))
    return attachment_services.attach(
        meeting,
        upload=SimpleUploadedFile("dagordning.txt", b"Dagordning"),
        title="Dagordning",
        kind="other",
        public=False,
        user=f.UserFactory(),
    )


def _est_report(home):
    day = dates.today()
    from_day = day - dt.timedelta(days=day.weekday())  # the week's Monday
    place = Place.objects.create(municipality=home, name="Torget", area="Centrum")
    return Report.objects.create(
        municipality=home,
        organisation=home.organisation,
        place=place,
        # the seeded categories are gone after a test that flushes the database
        category=Category.objects.get_or_create(
            municipality=None, code="annat", defaults={"name": "Annat", "order": 11}
        )[0],
        occurred_on=from_day,
        week=from_day,
    )


def _est_meeting(home):
    return EstMeeting.objects.create(municipality=home, held_on=dates.today())


def _est_measure(home):
    return Measure.objects.create(
        meeting=_est_meeting(home),
        title="Städa torget",
        responsible=home.organisation,
        due_on=dates.today(),
    )


DELETES = {
    "council": Delete("council-delete", lambda home: f.CouncilFactory(municipality=home)),
    "council member": Delete(
        "council-member-delete",
        lambda home: f.CouncilMemberFactory(council=f.CouncilFactory(municipality=home)),
    ),
    "meeting": Delete(
        "meeting-delete",
        lambda home: f.MeetingFactory(council=f.CouncilFactory(municipality=home)),
    ),
    "decision": Delete(
        "decision-delete",
        lambda home: f.DecisionFactory(
            meeting=f.MeetingFactory(council=f.CouncilFactory(municipality=home))
        ),
    ),
    "problem": Delete(
        "problem-delete", lambda home: f.PriorityProblemFactory(picture=_picture(home))
    ),
    "focus area": Delete(
        "focus-area-delete", lambda home: f.FocusAreaFactory(agreement=_agreement(home))
    ),
    "goal": Delete("goal-delete", lambda home: f.GoalFactory(agreement=_agreement(home))),
    "EST report": Delete("est-report-delete", _est_report),
    "EST place": Delete(
        "est-place-delete",
        lambda home: Place.objects.create(municipality=home, name="Torget", area="Centrum"),
    ),
    "EST category": Delete(
        "est-category-delete",
        lambda home: Category.objects.create(municipality=home, name="Glaskross"),
    ),
    "EST meeting": Delete("est-meeting-delete", _est_meeting),
    "EST measure": Delete("est-measure-delete", _est_measure),
    "activity (soft)": Delete(
        "activity-delete",
        lambda home: f.ActivityFactory(pledge=_pledge(home)),
        gone=lambda record: Activity.objects.get(pk=record.pk).deleted_at is not None,
    ),
    "attachment": Delete("attachment-delete", _attachment),
}


def _stored_version(record) -> int:
    return type(record).objects.get(pk=record.pk).version


def _someone_else_saves(record) -> None:
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1)


@pytest.mark.parametrize("kind", DELETES)
def test_a_stale_version_answers_409_and_deletes_nothing(client_of, owner, home, kind):
    case = DELETES[kind]
    record = case.build(home)
    client = client_of(owner)
    url = reverse(case.url, args=[record.pk])
    assert f'name="version" value="{record.version}"' in client.get(url).content.decode()
    _someone_else_saves(record)

    response = client.post(url, {"version": record.version})

    assert response.status_code == 409
    assert not case.gone(record)
    body = response.content.decode()
    assert "Ingenting har raderats" in body
    # the page shows the stored record: confirming again is a deliberate choice
    assert f'name="version" value="{record.version + 1}"' in body


@pytest.mark.parametrize("kind", DELETES)
@pytest.mark.parametrize("posted", [{}, {"version": ""}, {"version": "x"}])
def test_a_missing_version_answers_409_and_deletes_nothing(client_of, owner, home, kind, posted):
    case = DELETES[kind]
    record = case.build(home)
    response = client_of(owner).post(reverse(case.url, args=[record.pk]), posted)
    assert response.status_code == 409
    assert not case.gone(record)


@pytest.mark.parametrize("kind", DELETES)
def test_the_version_the_page_showed_deletes(client_of, owner, home, kind):
    case = DELETES[kind]
    record = case.build(home)
    response = client_of(owner).post(
        reverse(case.url, args=[record.pk]), {"version": _stored_version(record)}
    )
    assert response.status_code == 302
    assert case.gone(record)


def test_a_stale_activity_row_answers_409_with_the_row_to_confirm_again(client_of, owner, home):
    activity = f.ActivityFactory(pledge=_pledge(home))
    _someone_else_saves(activity)
    client = client_of(owner)
    url = reverse("activity-delete", args=[activity.pk])
    response = client.post(url, {"version": activity.version}, headers=HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" not in body and f'<tr id="activity-{activity.pk}"' in body
    assert "Ingenting har raderats" in body
    assert f'name="version" value="{activity.version + 1}"' in body
    assert Activity.objects.get(pk=activity.pk).deleted_at is None
    assert client.post(url, {"version": activity.version + 1}, headers=HTMX).status_code == 200
    assert Activity.objects.get(pk=activity.pk).deleted_at is not None


@pytest.mark.parametrize(
    ("url", "build", "model"),
    [
        ("source-delete", lambda home: f.SourceFactory(picture=_picture(home)), Source),
        ("dialogue-delete", lambda home: f.DialogueFactory(pledge=_pledge(home)), Dialogue),
    ],
)
def test_records_without_versions_are_deleted_without_one(
    client_of, owner, home, url, build, model
):
    record = build(home)
    page = client_of(owner).get(reverse(url, args=[record.pk])).content.decode()
    assert 'name="version"' not in page
    assert client_of(owner).post(reverse(url, args=[record.pk])).status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    assert model.history.filter(id=record.pk, history_type="-").get().history_user == owner


# --- the kit itself ----------------------------------------------------------------


def test_delete_versioned_records_who_and_refuses_a_stale_or_missing_version(owner, home):
    council = f.CouncilFactory(municipality=home)
    for stale in (None, council.version + 1):
        with pytest.raises(Conflict) as conflict:
            delete_versioned(council, expected_version=stale, user=owner)
        assert conflict.value.current.pk == council.pk
    pk = council.pk
    delete_versioned(council, expected_version=council.version, user=owner)
    assert not Council.objects.filter(pk=pk).exists()
    assert Council.history.filter(id=pk, history_type="-").get().history_user == owner


def test_bump_saves_a_new_version_by_the_user(owner, home):
    council = f.CouncilFactory(municipality=home)
    council.mandate = "Nytt uppdrag"
    bump(council, user=owner)
    stored = Council.objects.get(pk=council.pk)
    assert (stored.version, stored.mandate) == (2, "Nytt uppdrag")
    assert stored.history.first().history_user == owner
    council.name = "Bara namnet"
    council.mandate = "Sparas inte"
    bump(council, user=owner, update_fields=["name"])
    stored.refresh_from_db()
    assert (stored.version, stored.name, stored.mandate) == (3, "Bara namnet", "Nytt uppdrag")


@pytest.mark.parametrize(
    ("delete", "build"),
    [
        (
            lambda user, r, v: council_services.council_delete(
                user=user, council=r, expected_version=v
            ),
            lambda home: f.CouncilFactory(municipality=home),
        ),
        (
            lambda user, r, v: council_services.council_member_delete(
                user=user, member=r, expected_version=v
            ),
            lambda home: f.CouncilMemberFactory(council=f.CouncilFactory(municipality=home)),
        ),
        (
            lambda user, r, v: council_services.meeting_delete(
                user=user, meeting=r, expected_version=v
            ),
            lambda home: f.MeetingFactory(council=f.CouncilFactory(municipality=home)),
        ),
        (
            lambda user, r, v: council_services.decision_delete(
                user=user, decision=r, expected_version=v
            ),
            lambda home: f.DecisionFactory(
                meeting=f.MeetingFactory(council=f.CouncilFactory(municipality=home))
            ),
        ),
    ],
    ids=["council", "member", "meeting", "decision"],
)
def test_council_services_no_longer_skip_the_check_without_a_version(owner, home, delete, build):
    """Before the kit, councils.services skipped the check when no version was given."""
    record = build(home)
    with pytest.raises(Conflict):
        delete(owner, record, None)
    assert type(record).objects.filter(pk=record.pk).exists()


# --- the gate: every delete URL has a case -------------------------------------------

#: deletes of records that carry no version (never edited), with their model
UNVERSIONED = {"source-delete": Source, "dialogue-delete": Dialogue}


def _delete_url_names() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def is_delete(pattern: URLPattern) -> bool:
        route = str(pattern.pattern).rstrip("/$")
        return bool(pattern.name) and ("delete" in pattern.name or route.endswith("delete"))

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # Django's admin keeps no versions
                    yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and is_delete(pattern):
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


#: deletes of the API (``If-Match`` instead of a posted version), and where they are proven
API_DELETES = {
    "activity_delete": "tests/api/test_api.py: 428 without If-Match, 412 stale, the ETag deletes",
    "incident_report_delete": (
        "tests/api/test_incidents.py: 428 without If-Match, 412 stale, the ETag deletes"
    ),
}


def test_every_delete_url_is_checked_at_its_version():
    """A new delete page fails here until it has a case in DELETES (stale, missing and
    current version) or is a record without a version."""
    names = _delete_url_names()
    assert len(names) >= 10, names
    covered = {case.url for case in DELETES.values()} | set(UNVERSIONED) | set(API_DELETES)
    assert names - covered == set(), f"delete URLs without a version case: {names - covered}"
    versioned = [name for name, model in UNVERSIONED.items() if hasattr(model, "version")]
    assert versioned == [], f"these records now carry a version: add them to DELETES {versioned}"
