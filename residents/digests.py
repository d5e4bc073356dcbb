"""The followers' daily digest: at most one e-mail per follower (so per municipality)
and day, each public event in it at most once per follower.

``run_daily`` records the day's public events (``events.record``), then claims, in
one transaction under an advisory lock on PostgreSQL, a ``Digest(follower, day)`` for
every confirmed follower with events they have not been sent, and a ``Delivery`` per
(follower, event) (unique); ``send_digest`` is queued when it commits and claims its
digest with a conditional UPDATE (sent_at IS NULL → now) before the send, as the
reminders' digest does (``followup.digests``). Only events from the follower's
consent on are sent, and each is checked to be still public when the e-mail is made.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from councils import addresses, background, dates, mail
from residents import emails, events
from residents.models import Delivery, Digest, Event, Follower

log = logging.getLogger(__name__)

TRANSIENT = (smtplib.SMTPException, ConnectionError, OSError)
MAX_RETRIES = 5
#: one claiming step at a time on PostgreSQL (the reminders use 0x5A4D_0001)
CLAIM_LOCK = 0x5A4D_0021


def _active():
    return Follower.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exclude(email="")


def _due(today: dt.date) -> dict[int, list[int]]:
    """Event ids per follower not yet sent to them, leaving out followers already
    e-mailed today (four queries)."""
    since = dates.now() - dt.timedelta(days=events.RECORD_DAYS)
    recent = list(
        Event.objects.filter(occurred_at__gte=since).values_list(
            "pk", "municipality_id", "occurred_at"
        )
    )
    if not recent:
        return {}
    by_municipality: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for pk, municipality_id, at in recent:
        by_municipality[municipality_id].append((pk, at))
    followers = (
        _active()
        .filter(municipality_id__in=list(by_municipality))
        .exclude(pk__in=Digest.objects.filter(day=today).values("follower_id"))
        .values_list("pk", "municipality_id", "confirmed_at")
    )
    delivered = set(
        Delivery.objects.filter(event_id__in=[pk for pk, _m, _at in recent]).values_list(
            "follower_id", "event_id"
        )
    )
    due: dict[int, list[int]] = {}
    for follower_id, municipality_id, consent in followers.order_by("pk"):
        ids = [
            pk
            for pk, at in by_municipality[municipality_id]
            if at >= consent and (follower_id, pk) not in delivered
        ]
        if ids:
            due[follower_id] = ids
    return due


def send_due(today: dt.date | None = None) -> list[int]:
    """Claim today's digest of every follower with unsent events and queue the e-mails
    on commit. Returns the ids of the digests queued."""
    today = today or dates.today()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK])
        due = _due(today)
        if not due:
            return []
        Digest.objects.bulk_create(
            [Digest(follower_id=f, day=today) for f in due], ignore_conflicts=True
        )
        digests = dict(
            Digest.objects.filter(
                day=today, follower_id__in=list(due), sent_at__isnull=True, attempts=0
            ).values_list("follower_id", "pk")
        )
        Delivery.objects.bulk_create(
            [
                Delivery(follower_id=f, event_id=e, digest_id=digests[f])
                for f, event_ids in due.items()
                if f in digests
                for e in event_ids
            ],
            ignore_conflicts=True,
        )
        ids = sorted(digests.values())
        queue(ids)
    return ids


def queue(digest_ids: list[int]) -> None:
    for digest_id in digest_ids:
        background.enqueue(send_digest, digest_id, on_failure=functools.partial(release, digest_id))


def release(digest_id: int) -> None:
    """Give a digest's claim back if it was never attempted (the queue failed): its
    events are unsent again and the next run claims them."""
    try:
        Digest.objects.filter(pk=digest_id, sent_at__isnull=True, attempts=0).delete()
    except Exception:
        log.exception("could not release follower digest %s", digest_id)


def requeue_stale(today: dt.date) -> list[int]:
    """Unsent digests of earlier days with attempts left (the process died before the
    queue, or the attempts failed): queued again; the claim makes a duplicate nothing."""
    return list(
        Digest.objects.filter(
            day__lt=today,
            day__gte=today - dt.timedelta(days=events.RECORD_DAYS),
            sent_at__isnull=True,
            attempts__lte=MAX_RETRIES,
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def run_daily(today: dt.date | None = None) -> str:
    """Record the public events and send the digests: the daily job."""
    today = today or dates.today()
    recorded = events.record()
    stale = requeue_stale(today)
    if stale:
        queue(stale)
    queued = send_due(today)
    return f"{recorded} new public events; {len(queued)} follower digests queued"


def render(follower: Follower, items: list[events.PublicEvent]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        links = emails.links(follower)
        context = {
            "municipality": follower.municipality,
            "events": items,
            "site_url": settings.SITE_URL,
            **links,
        }
        message = EmailMessage(
            subject=mail.subject(
                ngettext(
                    "Citizen pledges of %(name)s: %(count)s update",
                    "Citizen pledges of %(name)s: %(count)s updates",
                    len(items),
                )
                % {"name": follower.municipality.name, "count": len(items)}
            ),
            body=render_to_string("residents/email/digest.txt", context),
            to=[follower.email],
            headers=emails.unsubscribe_headers(links["unsubscribe_url"]),
        )
    return message


@shared_task(
    name="residents.send_digest",
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_digest(self, digest_id: int) -> bool:
    """Send one follower digest, at most once (the claim on ``sent_at``). A failed
    send gives the claim back and is retried; an address that fails for good is
    unsubscribed (its address deleted)."""
    claimed = Digest.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        sent_at=dates.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    digest = Digest.objects.select_related("follower__municipality").get(pk=digest_id)
    follower = digest.follower
    recorded = list(Event.objects.filter(pk__in=digest.deliveries.values("event_id")))
    with translation.override(settings.LANGUAGE_CODE):
        items = events.still_public(recorded)
    if not follower.active or not items:
        return False
    try:
        addresses.require_valid(follower.email)
        render(follower, items).send()
    except Exception as error:
        answer = addresses.for_good(error)
        log.warning("follower digest %s: e-mail failed: %s", digest_id, error)
        with transaction.atomic():
            Digest.objects.filter(pk=digest_id).update(
                # the server's answer may quote the address, which is kept nowhere else
                sent_at=None,
                error=(answer or addresses.described(error)).replace(follower.email, "…")[:1000],
            )
            if answer:
                Follower.objects.filter(pk=follower.pk, unsubscribed_at__isnull=True).update(
                    email="", unsubscribed_at=dates.now()
                )
        if answer:
            return False
        raise
    return True
