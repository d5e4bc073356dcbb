"""The personal calendar address (issue 14): made and turned off on the account page
(POST with CSRF), the feed parsed with icalendar (whole-day events with stable UIDs, a
DTSTAMP and Swedish summaries), 404 for a revoked, unknown or junk address, nothing of
another organisation, and a fixed number of queries at two sizes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agreements.models import Agreement
from councils import dates, feeds
from councils.feeds import CalendarFeed
from pledges.models import Activity, Pledge
from tests import factories as f

NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def fill(municipality, tag: str) -> dict:
    today = dates.today()
    council = f.CouncilFactory(municipality=municipality, name=f"{tag} trygghetsråd")
    meeting = f.MeetingFactory(council=council, held_on=today + dt.timedelta(days=7))
    published = f.PledgeFactory(municipality=municipality, status=Pledge.Status.PUBLISHED)
    activity = f.ActivityFactory(
        pledge=published,
        title=f"{tag} trygghetsvandring",
        responsible_party=Activity.Party.MUNICIPALITY,
        next_follow_up=today + dt.timedelta(days=20),
    )
    agreement = f.AgreementFactory(
        municipality=municipality,
        title=f"{tag} överenskommelse",
        status=Agreement.Status.SIGNED,
        signed_snapshot={},
        end_date=dt.date(2029, 12, 31),
    )
    in_review = f.PledgeFactory(
        municipality=municipality,
        title=f"{tag} granskas",
        status=Pledge.Status.IN_REVIEW,
        submitted_at=timezone.now() - dt.timedelta(days=4),
    )
    awaiting = f.AgreementFactory(
        municipality=municipality,
        title=f"{tag} underskrift",
        status=Agreement.Status.AWAITING_SIGNATURE,
        shared_for_signature_at=timezone.now() - dt.timedelta(days=1),
    )
    return {
        "meeting": meeting,
        "activity": activity,
        "agreement": agreement,
        "in_review": in_review,
        "awaiting": awaiting,
    }


def feed_of(user) -> str:
    return reverse("calendar-feed", args=[feeds.calendar_feed_renew(user=user).token])


def events(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_coordinators_feed_holds_their_dates_as_whole_days(client, owner, home):
    mine = fill(home, "Hemby")
    found = events(client.get(feed_of(owner)))
    host = "testserver"
    meeting = found[f"meeting-{mine['meeting'].pk}@{host}"]
    assert str(meeting["SUMMARY"]) == "Möte: Hemby trygghetsråd"
    assert meeting["DTSTART"].params["VALUE"] == "DATE"
    assert meeting.decoded("DTSTART") == dt.date(2026, 10, 22)
    assert meeting.decoded("DTEND") == dt.date(2026, 10, 23)
    assert meeting.decoded("DTSTAMP") == NOW
    assert str(meeting["URL"]).endswith(reverse("meeting-detail", args=[mine["meeting"].pk]))
    follow_up = found[f"follow-up-{mine['activity'].pk}@{host}"]
    assert str(follow_up["SUMMARY"]) == "Uppföljning: Hemby trygghetsvandring"
    assert follow_up.decoded("DTSTART") == dt.date(2026, 11, 4)
    ends = found[f"agreement-end-{mine['agreement'].pk}@{host}"]
    assert ends.decoded("DTSTART") == dt.date(2029, 12, 31)
    signature = found[f"sign-agreement-{mine['awaiting'].pk}-municipality@{host}"]
    assert signature.decoded("DTSTART") == dt.date(2026, 10, 28)  # 14 days after sending
    # the review is the police's, not the coordinator's
    assert f"review-{mine['in_review'].pk}@{host}" not in found


def test_the_liaisons_feed_holds_reviews_and_the_police_signature(client, liaison, home):
    mine = fill(home, "Hemby")
    found = events(client.get(feed_of(liaison)))
    review = found[f"review-{mine['in_review'].pk}@testserver"]
    assert str(review["SUMMARY"]) == "Granska senast: Hemby granskas"
    assert review.decoded("DTSTART") == dt.date(2026, 10, 25)
    assert f"sign-agreement-{mine['awaiting'].pk}-police@testserver" in found
    # a municipality's own activity is not the police's to follow up
    assert f"follow-up-{mine['activity'].pk}@testserver" not in found


def test_uids_stay_the_same_from_one_fetch_to_the_next(client, owner, home):
    fill(home, "Hemby")
    url = feed_of(owner)
    assert set(events(client.get(url))) == set(events(client.get(url)))


def test_another_organisations_items_are_absent(client, owner, outsider, home, away):
    fill(home, "Hemby")
    fill(away, "Bortby")
    body = client.get(feed_of(outsider)).content.decode()
    assert "Bortby trygghetsvandring" in body
    assert "Hemby" not in body


def test_a_revoked_unknown_or_junk_address_answers_404(client, owner, home):
    fill(home, "Hemby")
    old = feed_of(owner)
    assert client.get(old).status_code == 200
    new = feed_of(owner)  # a new address revokes the old one
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    feeds.calendar_feed_revoke(user=owner)
    assert client.get(new).status_code == 404
    for junk in ["x", "a" * 65, "%00", "..", "ä" * 10, "'; DROP TABLE x; --"]:
        assert client.get(f"/kalender/{junk}.ics").status_code in {400, 404}  # never a 5xx
    assert client.post(new).status_code == 405


def test_a_deactivated_users_address_answers_404(client, owner):
    url = feed_of(owner)
    owner.is_active = False
    owner.save()
    assert client.get(url).status_code == 404


def test_the_account_page_makes_and_turns_off_the_address(client_of, owner):
    client = client_of(owner)
    page = client.get(reverse("my-organisations")).content.decode()
    assert "Skapa kalenderadress" in page
    response = client.post(reverse("calendar-feed-renew"))
    assert response.status_code == 302
    first = CalendarFeed.objects.get(user=owner, revoked_at__isnull=True)
    page = client.get(reverse("my-organisations")).content.decode()
    assert f"http://testserver/kalender/{first.token}.ics" in page
    assert "Skapa ny adress" in page and "Stäng av" in page
    client.post(reverse("calendar-feed-renew"))
    second = CalendarFeed.objects.get(user=owner, revoked_at__isnull=True)
    assert second.token != first.token and len(second.token) >= 43
    client.post(reverse("calendar-feed-revoke"))
    assert not CalendarFeed.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert client.get(reverse("calendar-feed", args=[second.token])).status_code == 404


def test_making_an_address_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(reverse("calendar-feed-renew")).status_code == 403
    assert client.post(reverse("calendar-feed-revoke")).status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("who", ["owner", "liaison"])
def test_the_feed_costs_the_same_queries_at_two_sizes(
    request, client, who, home, neighbour, police_area
):
    user = request.getfixturevalue(who)
    fill(home, "Hemby")
    url = feed_of(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for n in range(3):
        fill(home, f"Fler {n}")
        fill(neighbour, f"Grannby {n}")
    assert count() == small
    assert "Grannby 2" in client.get(url).content.decode() or who == "owner"


def test_one_open_address_per_user_is_a_database_rule(owner):
    from django.db import IntegrityError, transaction

    feeds.calendar_feed_renew(user=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=owner, token="another-secret")
