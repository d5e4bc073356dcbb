"""The follow-up pages: recording an entry, the pledge's follow-up page, marking it
followed up, and what residents see on the public pledge page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followup import cadence
from followup import selectors as followup_selectors
from followup.models import FollowUp, PledgeFollowUp
from followup.selectors import public_follow_up
from pledges import selectors as pledge_selectors
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.queries import assert_constant_queries

S = Pledge.Status
A = Activity.Status


@pytest.fixture
def pledge(home):
    return f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=S.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.fixture
def walk(pledge):
    return f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=Activity.Cadence.QUARTERLY,
        next_follow_up=dt.date(2026, 3, 31),
        order=1,
    )


@pytest.fixture
def patrol(pledge):
    return f.ActivityFactory(
        pledge=pledge,
        title="Polisens fotpatrull",
        responsible_party=Activity.Party.POLICE,
        next_follow_up=dt.date(2026, 6, 30),
        order=2,
    )


def create_url(activity) -> str:
    return reverse("follow-up-create", args=[activity.pk])


def page_url(pledge) -> str:
    return reverse("pledge-follow-up", args=[pledge.pk])


def mark_url(pledge) -> str:
    return reverse("pledge-mark-followed-up", args=[pledge.pk])


FORM = {
    "period_start": "2026-01-01",
    "period_end": "2026-03-31",
    "status": A.ONGOING,
    "progress": "60",
    "done": "Fyra vandringar.",
    "effect": "Bättre belysning.",
    "obstacles": "",
}


# --- recording ---------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC), tick=False)
def test_the_form_proposes_the_period_up_to_the_due_date(client_of, owner, walk):
    response = client_of(owner).get(create_url(walk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["period_end"] == dt.date(2026, 3, 31)
    assert form.initial["period_start"] == dt.date(2026, 1, 1)
    assert form.initial["status"] == A.PLANNED


def test_the_next_form_starts_after_the_last_entry(client_of, owner, walk):
    f.FollowUpFactory(
        activity=walk,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
        progress=30,
    )
    form = client_of(owner).get(create_url(walk)).context["form"]
    assert form.initial["period_start"] == dt.date(2026, 1, 1)
    assert form.initial["progress"] == 30


def test_recording_saves_and_moves_the_next_date(client_of, owner, walk):
    response = client_of(owner).post(create_url(walk), FORM, follow=True)
    assert response.redirect_chain[-1][0] == page_url(walk.pledge) + f"#activity-{walk.pk}"
    entry = FollowUp.objects.get()
    assert entry.progress == 60 and entry.reported_by == owner and not entry.published
    walk.refresh_from_db()
    assert walk.next_follow_up == dt.date(2026, 6, 30)
    assert walk.status == A.ONGOING
    assert "30 juni 2026" in response.content.decode()  # the message, in Swedish


def test_errors_come_back_with_a_summary(client_of, owner, walk):
    bad = {**FORM, "period_end": "2025-12-01", "progress": "140"}
    response = client_of(owner).post(create_url(walk), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "data-error-summary" in body
    assert 'href="#id_period_end"' in body and 'href="#id_progress"' in body
    assert not FollowUp.objects.exists()


def test_the_service_refusal_shows_in_the_summary_for_a_draft(client_of, owner, home):
    draft_activity = f.ActivityFactory(pledge=f.PledgeFactory(municipality=home))
    client = client_of(owner)
    assert client.get(create_url(draft_activity)).status_code == 200
    response = client.post(create_url(draft_activity), FORM)
    assert response.status_code == 400
    assert not FollowUp.objects.exists()


def test_who_may_open_the_form(client_of, colleague, liaison, outsider, walk, patrol):
    assert client_of(colleague).get(create_url(walk)).status_code == 404
    assert client_of(outsider).get(create_url(walk)).status_code == 404
    assert client_of(liaison).get(create_url(walk)).status_code == 404  # the municipality's
    assert client_of(liaison).get(create_url(patrol)).status_code == 200  # the police's
    assert client_of(liaison).post(create_url(patrol), FORM).status_code == 302


def test_404s(client_of, owner, walk):
    client = client_of(owner)
    assert client.get(reverse("follow-up-create", args=[999_999])).status_code == 404
    assert client.get(reverse("pledge-follow-up", args=[999_999])).status_code == 404
    assert client.post(reverse("pledge-mark-followed-up", args=[999_999])).status_code == 404
    walk.deleted_at = timezone.now()
    walk.save()
    assert client.get(create_url(walk)).status_code == 404
    assert client.put(create_url(f.ActivityFactory(pledge=walk.pledge))).status_code == 405


def test_the_page_reads_what_the_orm_reads_by_sql_made_once(owner, pledge, walk, patrol):
    """The follow-up page's activities, entries and marked periods come from SQL made
    once per process (``councils.prepared``): the same rows, field for field, as the
    ORM's, in the same order; a removed activity and its entries stay out."""
    for activity in (walk, patrol):
        for n in range(2):
            f.FollowUpFactory(activity=activity, reported_by=owner, done=f"Omgång {n}")
    removed = f.ActivityFactory(pledge=pledge, deleted_at=timezone.now())
    f.FollowUpFactory(activity=removed)
    f.PledgeFollowUpFactory(pledge=pledge)
    page = followup_selectors.pledge_follow_up(owner, pledge)

    def fields(obj):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}

    live = Activity.objects.filter(pledge=pledge, deleted_at__isnull=True).order_by("order", "pk")
    assert [fields(row.activity) for row in page.rows] == [fields(a) for a in live]
    for row in page.rows:
        assert row.activity.pledge is pledge
        assert row.activity.responsible_organisation == (
            Activity.objects.get(pk=row.activity.pk).responsible_organisation
        )
        orm = FollowUp.objects.filter(activity=row.activity).order_by("-period_end", "-pk")
        assert [fields(e) for e in row.entries] == [fields(e) for e in orm]
        assert [e.reported_by for e in row.entries] == [e.reported_by for e in orm]
    assert removed.pk not in {row.activity.pk for row in page.rows}
    assert [fields(m) for m in page.marked] == [
        fields(m) for m in PledgeFollowUp.objects.filter(pledge=pledge).order_by("-period_end")
    ]


# --- the period due, with a frozen clock -----------------------------------------------

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
C = Activity.Cadence


@pytest.fixture
def frozen():
    """15 August 2027, 10:00 in Stockholm; every test date below is built from this day."""
    with time_machine.travel(dt.datetime(2027, 8, 15, 10, tzinfo=STOCKHOLM), tick=False):
        yield cadence.today()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def year_pledge(municipality, today: dt.date, **kwargs) -> Pledge:
    """A published pledge for the frozen day's calendar year (or the given period)."""
    kwargs.setdefault("period_start", dt.date(today.year, 1, 1))
    kwargs.setdefault("period_end", dt.date(today.year, 12, 31))
    return f.PledgeFactory(
        municipality=municipality, status=S.PUBLISHED, published_at=timezone.now(), **kwargs
    )


def test_the_frozen_day(frozen):
    assert frozen == day("2027-08-15")


@pytest.mark.parametrize(
    ("kind", "next_date", "latest", "expected"),
    [
        # the calendar period that contains the next follow-up (before: 2027-04-01–07-31)
        (C.TERTIAL, "2027-07-31", None, ("2027-05-01", "2027-08-31")),
        (C.TERTIAL, "2027-04-30", None, ("2027-01-01", "2027-04-30")),  # overdue
        (C.QUARTERLY, "2027-06-30", None, ("2027-04-01", "2027-06-30")),
        (C.QUARTERLY, "2027-05-15", None, ("2027-04-01", "2027-06-30")),
        (C.MONTHLY, "2027-02-28", None, ("2027-02-01", "2027-02-28")),
        (C.YEARLY, "2027-12-31", None, ("2027-01-01", "2027-12-31")),
        # without a next date: the latest period ended by today …
        (C.TERTIAL, None, None, ("2027-01-01", "2027-04-30")),
        (C.QUARTERLY, None, None, ("2027-04-01", "2027-06-30")),
        (C.MONTHLY, None, None, ("2027-07-01", "2027-07-31")),
        # … or, after an entry, the period after it
        (C.TERTIAL, None, ("2027-01-01", "2027-04-30"), ("2027-05-01", "2027-08-31")),
        # never overlapping the latest entry
        (C.TERTIAL, "2027-04-30", ("2027-01-01", "2027-02-28"), ("2027-03-01", "2027-04-30")),
        (C.TERTIAL, "2027-04-30", ("2027-01-01", "2027-04-30"), ("2027-05-01", "2027-08-31")),
        # a next date after the pledge's end counts as its last day
        (C.TERTIAL, "2028-04-30", None, ("2027-09-01", "2027-12-31")),
        # a stored next date from year 1 (before: a 500) counts as the pledge's first day
        (C.TERTIAL, "0001-01-05", None, ("2027-01-01", "2027-04-30")),
        (C.MONTHLY, "0001-01-05", None, ("2027-01-01", "2027-01-31")),
    ],
)
def test_the_form_proposes_the_calendar_period_due(
    client_of, owner, home, frozen, kind, next_date, latest, expected
):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=kind,
    )
    Activity.objects.filter(pk=activity.pk).update(  # bypassing the forms
        next_follow_up=day(next_date) if next_date else None
    )
    if latest:
        f.FollowUpFactory(activity=activity, period_start=day(latest[0]), period_end=day(latest[1]))
    response = client_of(owner).get(create_url(activity))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["period_start"], initial["period_end"]) == (day(expected[0]), day(expected[1]))


@pytest.mark.parametrize(
    ("next_date", "expected"),
    [
        ("2027-08-31", ("2027-07-01", "2027-08-31")),  # the tertial cut at the pledge's start
        (None, ("2027-07-01", "2027-08-31")),  # no period has ended yet: the current one
        ("2028-08-31", ("2028-05-01", "2028-06-30")),  # cut at the pledge's end
    ],
)
def test_the_proposed_period_lies_within_the_pledge(
    client_of, owner, home, frozen, next_date, expected
):
    pledge = year_pledge(home, frozen, period_start=day("2027-07-01"), period_end=day("2028-06-30"))
    activity = f.ActivityFactory(
        pledge=pledge,
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
        next_follow_up=day(next_date) if next_date else None,
    )
    initial = client_of(owner).get(create_url(activity)).context["form"].initial
    assert (initial["period_start"], initial["period_end"]) == (day(expected[0]), day(expected[1]))


def test_nothing_is_proposed_once_the_pledge_is_followed_up_to_its_end(
    client_of, owner, home, frozen
):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
    )
    f.FollowUpFactory(
        activity=activity, period_start=day("2027-09-01"), period_end=day("2027-12-31")
    )
    response = client_of(owner).get(create_url(activity))
    assert response.status_code == 200
    assert "period_start" not in response.context["form"].initial


def test_a_stored_entry_at_the_end_of_the_calendar_does_not_break_the_form(
    client_of, owner, home, frozen
):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
    )
    entry = f.FollowUpFactory(activity=activity)
    FollowUp.objects.filter(pk=entry.pk).update(period_end=day("9999-12-31"))
    assert client_of(owner).get(create_url(activity)).status_code == 200


PLAUSIBLE = "Ange ett datum mellan 1990-01-01 och 2100-12-31."


@pytest.mark.parametrize(
    ("field", "value", "next_date"),
    [
        ("period_end", "9999-12-31", None),  # before: a 500 in cadence.add_months
        ("period_start", "0001-01-05", "0001-01-05"),
        ("period_end", "0001-01-05", "0001-01-05"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_answer_400_in_swedish(
    client_of, owner, home, frozen, field, value, next_date
):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
    )
    Activity.objects.filter(pk=activity.pk).update(
        next_follow_up=day(next_date) if next_date else None
    )
    client = client_of(owner)
    assert client.get(create_url(activity)).status_code == 200
    data = {**FORM, "period_start": "2027-05-01", "period_end": "2027-08-31", field: value}
    response = client.post(create_url(activity), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [PLAUSIBLE]
    assert 'href="#id_' + field + '"' in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_period_outside_the_pledge_answers_400_in_swedish(client_of, owner, home, frozen):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
    )
    data = {**FORM, "period_start": "2027-09-01", "period_end": "2028-04-30"}
    response = client_of(owner).post(create_url(activity), data)
    assert response.status_code == 400
    assert response.context["form"].errors["period_end"] == [
        "Perioden måste ligga inom löftets period 2027-01-01–2027-12-31."
    ]
    assert not FollowUp.objects.exists()


def test_recording_the_last_period_ends_the_follow_ups(client_of, owner, home, frozen):
    activity = f.ActivityFactory(
        pledge=year_pledge(home, frozen),
        responsible_party=Activity.Party.MUNICIPALITY,
        cadence=C.TERTIAL,
        next_follow_up=day("2027-08-31"),
    )
    client = client_of(owner)
    response = client.post(
        create_url(activity),
        {**FORM, "period_start": "2027-05-01", "period_end": "2027-08-31"},
        follow=True,
    )
    activity.refresh_from_db()
    assert activity.next_follow_up == day("2027-12-31")
    assert "31 december 2027" in response.content.decode()
    response = client.post(
        create_url(activity),
        {**FORM, "period_start": "2027-09-01", "period_end": "2027-12-31"},
        follow=True,
    )
    activity.refresh_from_db()
    assert activity.next_follow_up is None  # before: 30 April 2028, after the pledge
    assert "ingen ytterligare uppföljning" in response.content.decode()


# --- the pledge's follow-up page ------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC), tick=False)
def test_the_page_shows_latest_entries_overdue_and_roll_ups(client_of, owner, pledge, walk, patrol):
    third = f.ActivityFactory(pledge=pledge, title="Föräldravandring", status=A.NOT_DONE, order=3)
    f.FollowUpFactory(
        activity=walk,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
        progress=20,
        done="Gammal",
    )
    latest = f.FollowUpFactory(
        activity=walk, period_end=dt.date(2026, 3, 31), progress=80, done="Ny rapport"
    )
    f.FollowUpFactory(activity=patrol, progress=40, status=A.DONE)
    Activity.objects.filter(pk=walk.pk).update(status=A.DONE)
    Activity.objects.filter(pk=patrol.pk).update(status=A.ONGOING)
    response = client_of(owner).get(page_url(pledge))
    assert response.status_code == 200
    rows = {row.activity.pk: row for row in response.context["rows"]}
    assert rows[walk.pk].latest == latest
    assert rows[walk.pk].overdue  # due 31 March, today 15 April
    assert not rows[patrol.pk].overdue
    assert rows[third.pk].latest is None
    roll_up = response.context["roll_up"]
    assert roll_up.total == 3
    assert roll_up.share_of(A.DONE).share == 33
    assert roll_up.share_of(A.ONGOING).share == 33
    assert roll_up.share_of(A.NOT_DONE).count == 1
    assert roll_up.progress == 40  # (80 + 40 + 0) / 3
    assert roll_up.overdue == 1
    body = response.content.decode()
    assert "Ny rapport" in body
    assert reverse("record-history", args=["followup.followup", latest.pk]) in body
    assert create_url(walk) in body
    assert f'action="{mark_url(pledge)}"' in body


def test_readers_see_the_page_without_forms(
    client_of, colleague, liaison, outsider, pledge, walk, patrol
):
    body = client_of(colleague).get(page_url(pledge)).content.decode()
    assert create_url(walk) not in body
    assert mark_url(pledge) not in body
    body = client_of(liaison).get(page_url(pledge)).content.decode()
    assert create_url(patrol) in body and create_url(walk) not in body
    assert client_of(outsider).get(page_url(pledge)).status_code == 404


def test_the_editor_links_to_the_follow_up_of_a_published_pledge(client_of, owner, pledge, home):
    client = client_of(owner)
    assert (
        page_url(pledge) in client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    )
    draft = f.PledgeFactory(municipality=home)
    assert (
        page_url(draft)
        not in client.get(reverse("pledge-detail", args=[draft.pk])).content.decode()
    )


def test_page_queries_do_not_grow(client_of, owner, liaison, pledge, walk, housing):
    f.FollowUpFactory(activity=walk)

    def grow():
        for n in range(15):
            party = (Activity.Party.POLICE, Activity.Party.JOINT, Activity.Party.PARTNER)[n % 3]
            activity = f.ActivityFactory(
                pledge=pledge,
                responsible_party=party,
                # a partner organisation's name is on the row: read with the activity
                responsible_organisation=housing if party == Activity.Party.PARTNER else None,
            )
            for _ in range(3):
                f.FollowUpFactory(activity=activity, reported_by=owner)
        for n in range(3):
            f.PledgeFollowUpFactory(
                pledge=pledge, period_start=dt.date(2025, n + 1, 1), marked_by=owner
            )

    assert_constant_queries(client_of(owner), page_url(pledge), grow)
    assert_constant_queries(client_of(liaison), page_url(pledge), lambda: None)


# --- marking the pledge followed up ---------------------------------------------------


def test_mark_followed_up(client_of, owner, pledge, walk, patrol):
    f.FollowUpFactory(activity=walk)
    f.FollowUpFactory(activity=patrol)
    response = client_of(owner).post(
        mark_url(pledge),
        {
            "period_start": "2026-01-01",
            "period_end": "2026-04-30",
            "summary": "Klart.",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == S.FOLLOWED_UP
    assert PledgeFollowUp.objects.get().published_at is not None


def test_mark_refused_when_an_activity_lacks_an_entry(client_of, owner, pledge, walk, patrol):
    f.FollowUpFactory(activity=walk)
    response = client_of(owner).post(
        mark_url(pledge), {"period_start": "2026-01-01", "period_end": "2026-04-30"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "data-error-summary" in body and "Polisens fotpatrull" in body
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED


def proposed(client, activity) -> dict:
    """FORM with the period the entry form proposes."""
    initial = client.get(create_url(activity)).context["form"].initial
    return {**FORM, "period_start": initial["period_start"], "period_end": initial["period_end"]}


def test_mark_proposes_the_period_being_recorded_and_names_only_the_missing(client_of, owner, home):
    """Four of five activities recorded for January–April: the form proposes that
    period, and marking names the fifth alone (before: the pledge's end, and all five)."""
    with time_machine.travel(dt.datetime(2027, 5, 10, 10, tzinfo=STOCKHOLM), tick=False):
        pledge = year_pledge(home, cadence.today())
        activities = [
            f.ActivityFactory(
                pledge=pledge,
                title=f"Aktivitet nummer {n}",
                responsible_party=Activity.Party.MUNICIPALITY,
                cadence=C.TERTIAL,
                next_follow_up=day("2027-04-30"),
                order=n,
            )
            for n in range(1, 6)
        ]
        client = client_of(owner)
        for activity in activities[:4]:
            initial = client.get(create_url(activity)).context["form"].initial
            data = {
                **FORM,
                "period_start": initial["period_start"],
                "period_end": initial["period_end"],
            }
            assert client.post(create_url(activity), data).status_code == 302
        form = client.get(page_url(pledge)).context["form"]
        assert form.initial["period_start"] == day("2027-01-01")
        assert form.initial["period_end"] == day("2027-04-30")
        data = {"period_start": "2027-01-01", "period_end": "2027-04-30"}
        response = client.post(mark_url(pledge), data)
        assert response.status_code == 400
        errors = " ".join(response.context["form"].non_field_errors())
        assert "Aktivitet nummer 5" in errors
        for activity in activities[:4]:
            assert activity.title not in errors
        initial = client.get(create_url(activities[4])).context["form"].initial
        data = {
            **FORM,
            "period_start": initial["period_start"],
            "period_end": initial["period_end"],
        }
        assert client.post(create_url(activities[4]), data).status_code == 302
        assert client.post(mark_url(pledge), data | {"summary": ""}).status_code == 302
        # the next period: after the one marked, up to the period now due
        form = client.get(page_url(pledge)).context["form"]
        assert form.initial["period_start"] == day("2027-05-01")
        assert form.initial["period_end"] == day("2027-08-31")


def test_mark_refuses_a_date_at_the_end_of_the_calendar_in_swedish(client_of, owner, pledge, walk):
    f.FollowUpFactory(activity=walk)
    data = {"period_start": "2026-01-01", "period_end": "9999-12-31"}
    response = client_of(owner).post(mark_url(pledge), data)
    assert response.status_code == 400
    assert response.context["form"].errors["period_end"] == [PLAUSIBLE]


def test_mark_is_for_editors(client_of, colleague, liaison, pledge, walk):
    f.FollowUpFactory(activity=walk)
    data = {"period_start": "2026-01-01", "period_end": "2026-04-30"}
    assert client_of(colleague).post(mark_url(pledge), data).status_code == 404
    assert client_of(liaison).post(mark_url(pledge), data).status_code == 404
    assert not PledgeFollowUp.objects.exists()


# --- the public pledge page -------------------------------------------------------------


@pytest.fixture
def provider():
    """The provider as the app registers it (another test may have unregistered it)."""
    pledge_selectors.register_follow_up(public_follow_up)
    yield
    pledge_selectors.register_follow_up(public_follow_up)


def test_public_page_shows_only_published_follow_ups(client, provider, pledge, walk, patrol):
    f.FollowUpFactory(
        activity=walk, published=True, done="Offentlig rapport", period_end=dt.date(2026, 3, 31)
    )
    f.FollowUpFactory(
        activity=walk, published=False, done="Intern anteckning", obstacles="Hemligt hinder"
    )
    f.FollowUpFactory(activity=patrol, published=False, done="Polisens interna")
    f.PledgeFollowUpFactory(
        pledge=pledge,
        summary="Publicerad sammanfattning",
        published_at=timezone.now(),
        period_end=dt.date(2026, 3, 31),
    )
    f.PledgeFollowUpFactory(
        pledge=pledge, summary="Ej publicerad sammanfattning", period_end=dt.date(2026, 6, 30)
    )
    body = client.get(reverse("public-pledge", args=[pledge.pk])).content.decode()
    block = body.split('id="follow-up"')[1].split("</section>")[0]
    assert "Offentlig rapport" in block
    assert "Publicerad sammanfattning" in block
    for secret in ("Intern anteckning", "Hemligt hinder", "Polisens interna", "Ej publicerad"):
        assert secret not in body
    assert "Polisens fotpatrull" not in block  # no published entry: not listed


def test_public_page_without_published_follow_up_keeps_the_placeholder(
    client, provider, pledge, walk
):
    f.FollowUpFactory(activity=walk, published=False, done="Intern anteckning")
    f.PledgeFollowUpFactory(pledge=pledge, summary="Ej publicerad")
    body = client.get(reverse("public-pledge", args=[pledge.pk])).content.decode()
    block = body.split('id="follow-up"')[1].split("</section>")[0]
    assert "public-follow-up__summary" not in block and "<h3" not in block
    assert "Intern anteckning" not in body and "Ej publicerad" not in body


def test_public_follow_up_is_a_fixed_number_of_queries(
    provider, pledge, walk, django_assert_num_queries
):
    activities = pledge_selectors.public_pledge(pledge.pk).activities
    with django_assert_num_queries(2):
        assert public_follow_up(pledge.pk, activities) is None
    for _ in range(5):
        f.FollowUpFactory(activity=walk, published=True)
    f.PledgeFollowUpFactory(pledge=pledge, published_at=timezone.now())
    with django_assert_num_queries(2):
        result = public_follow_up(pledge.pk, activities)
    assert len(result.activities[0].entries) == 5
