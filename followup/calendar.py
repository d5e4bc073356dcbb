"""The personal calendar feed (RFC 5545): what the user's week holds, for their calendar.

Read as the user through ``councils.access``, in a fixed number of queries:

- meetings of the councils of the municipalities they work in (INTERNAL);
- follow-up due dates of the activities they record: every activity of a municipality
  they edit, the police and joint activities of one they review;
- end dates of the signed agreements of the municipalities they work in;
- review deadlines (a pledge in review, ``REVIEW_WAITING_DAYS`` after it was sent) and
  signature deadlines (the same days after an agreement was sent for signature or a
  pledge approved) for the party the user signs for.

Every event is a whole day (``DTSTART;VALUE=DATE``), with a UID that stays the same for
the same record and kind (a moved date updates the event rather than adding one), a
DTSTAMP and a Swedish summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agreements.models import Agreement
from councils import access, dates
from councils.access import Capability
from councils.models import Meeting
from followup.reminders import REVIEW_WAITING_DAYS
from pledges.models import Activity, Pledge

#: meetings further back than this are left out of the feed
PAST_DAYS = 365
WAITING = dt.timedelta(days=REVIEW_WAITING_DAYS)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Entry:
    uid: str
    day: dt.date
    summary: str
    description: str
    path: str


def _entry(kind: str, pk: int, day: dt.date, summary: str, municipality: str, url_name: str, *more):
    """The event of record ``pk``: its UID is ``kind-pk`` (and ``-more``), its link
    ``url_name`` with ``pk`` (and ``more``) as arguments."""
    uid = "-".join([kind, str(pk), *more])
    return Entry(uid, day, summary, municipality, reverse(url_name, args=[pk, *more]))


def _meetings(user, today: dt.date) -> Iterator[Entry]:
    scope = access.municipalities_for(user, Capability.INTERNAL)
    meetings = Meeting.objects.filter(
        council__municipality__in=scope, held_on__gte=today - dt.timedelta(days=PAST_DAYS)
    )
    rows = meetings.values_list("pk", "held_on", "council__name", "council__municipality__name")
    for pk, held_on, council, municipality in rows.order_by("held_on", "pk"):
        summary = _("Meeting: %(council)s") % {"council": council}
        yield _entry("meeting", pk, held_on, summary, municipality, "meeting-detail")


def _follow_ups(user) -> Iterator[Entry]:
    edit = access.municipalities_for(user, Capability.EDIT)
    review = access.municipalities_for(user, Capability.REVIEW)
    recorded = Q(pledge__municipality__in=edit) | Q(
        pledge__municipality__in=review,
        responsible_party__in=[Activity.Party.POLICE, Activity.Party.JOINT],
    )
    activities = (
        Activity.objects.filter(
            recorded,
            pledge__status=Pledge.Status.PUBLISHED,
            deleted_at__isnull=True,
            next_follow_up__isnull=False,
        )
        .exclude(status=Activity.Status.CANCELLED)
        .values_list("pk", "title", "next_follow_up", "pledge__municipality__name")
        .order_by("next_follow_up", "pk")
    )
    for pk, title, due, municipality in activities:
        summary = _("Follow-up due: %(title)s") % {"title": title}
        yield _entry("follow-up", pk, due, summary, municipality, "follow-up-create")


def _agreements(user) -> Iterator[Entry]:
    scope = access.municipalities_for(user, Capability.INTERNAL)
    signed = Agreement.objects.filter(municipality__in=scope, status=Agreement.Status.SIGNED)
    rows = signed.values_list("pk", "title", "end_date", "municipality__name")
    for pk, title, end, municipality in rows.order_by("end_date", "pk"):
        summary = _("Agreement ends: %(title)s") % {"title": title}
        yield _entry("agreement-end", pk, end, summary, municipality, "agreement-detail")


def _deadline(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) + WAITING if moment else None


def _reviews(user) -> Iterator[Entry]:
    scope = access.municipalities_for(user, Capability.REVIEW)
    waiting = Pledge.objects.filter(municipality__in=scope, status=Pledge.Status.IN_REVIEW)
    for pk, title, submitted, municipality in waiting.values_list(
        "pk", "title", "submitted_at", "municipality__name"
    ).order_by("pk"):
        if day := _deadline(submitted):
            summary = _("Review by: %(title)s") % {"title": title}
            yield _entry("review", pk, day, summary, municipality, "pledge-review")


def _signatures(user) -> Iterator[Entry]:
    for party, capability in (("municipality", Capability.EDIT), ("police", Capability.REVIEW)):
        scope = access.municipalities_for(user, capability)
        unsigned = {"municipality__in": scope, f"{party}_signed_on__isnull": True}
        kinds: list[tuple[str, object, str, str, Callable]] = [
            (
                "agreement",
                Agreement.objects.filter(status=Agreement.Status.AWAITING_SIGNATURE, **unsigned),
                "shared_for_signature_at",
                "agreement-sign",
                lambda title: _("Sign the agreement by: %(title)s") % {"title": title},
            ),
            (
                "pledge",
                Pledge.objects.filter(status=Pledge.Status.APPROVED, **unsigned),
                "reviewed_at",
                "pledge-sign",
                lambda title: _("Sign the citizen pledge by: %(title)s") % {"title": title},
            ),
        ]
        for kind, rows, since, url_name, summary in kinds:
            for pk, title, moment, municipality in rows.values_list(
                "pk", "title", since, "municipality__name"
            ).order_by("pk"):
                if day := _deadline(moment):
                    uid = f"sign-{kind}"
                    yield _entry(uid, pk, day, summary(title), municipality, url_name, party)


def entries(user, today: dt.date) -> list[Entry]:
    """Everything in the user's feed: eleven queries at most, whatever the data."""
    return [
        *_meetings(user, today),
        *_follow_ups(user),
        *_agreements(user),
        *_reviews(user),
        *_signatures(user),
    ]


def ics(user, absolute: Callable[[str], str], host: str) -> bytes:
    """The user's feed as iCalendar text; ``absolute`` makes a path a full URL."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Samverkan//Kalender//SV")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Samverkan"))
        stamp = dates.now().astimezone(dt.UTC)
        for entry in entries(user, dates.today()):
            event = Event()
            event.add("uid", f"{entry.uid}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + ONE_DAY)
            event.add("summary", entry.summary)
            event.add("description", entry.description)
            event.add("url", absolute(entry.path))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        return calendar.to_ical()
