"""Who is told what about a pledge: in-app notices, and the e-mails that follow them
once the transaction commits (queued through ``councils.background``; the task claims
its row, so a notice is e-mailed at most once)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from councils import access, addresses, background
from councils.access import Capability
from councils.models import User
from pledges.emails import send_notification_email
from pledges.models import Notification, Pledge

RESEND_DAYS = 7


def editors_of(pledge: Pledge) -> list[User]:
    """The municipality's coordinators: who holds EDIT on it."""
    return list(access.holders(Capability.EDIT, pledge.municipality_id))


def reviewers_of(pledge: Pledge) -> list[User]:
    """The police liaisons of the local police areas that cover the municipality: who
    holds REVIEW on it."""
    return list(access.holders(Capability.REVIEW, pledge.municipality_id))


def notify(
    *,
    kind: str,
    pledge: Pledge | None = None,
    users,
    message: str,
    email: bool = True,
    agreement=None,
) -> list[Notification]:
    """In-app notices for ``users`` about ``pledge`` or ``agreement``; the e-mails are
    queued once the transaction commits."""
    seen: set[int] = set()
    created = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(
                user=user,
                kind=kind,
                pledge=pledge,
                agreement=agreement,
                message=message,
                email=email,
            )
        )
    if email:
        for notification in created:
            if notification.user.email and not notification.user.email_failing:
                # a failure to queue leaves the row unsent (``emailed_at`` empty):
                # ``notifications_resend`` sends it again later
                background.enqueue(send_notification_email, notification.pk)
    return created


def notifications_resend(*, days: int = RESEND_DAYS) -> list[int]:
    """Queue the e-mail again for every notification of the last ``days`` days that
    was meant to be e-mailed and has not been (Redis was down, or every retry of the
    send failed). In-app-only notices (``email=False``) are never e-mailed, and an
    address that fails for good gets nothing until it is cleared; then its held
    notices follow. The task's claim on ``emailed_at`` makes a notification already in
    the queue cost nothing twice. Returns the ids queued."""
    since = timezone.now() - dt.timedelta(days=days)
    ids = list(
        Notification.objects.filter(
            email=True, emailed_at__isnull=True, user__email__gt="", created_at__gte=since
        )
        .exclude(addresses.failing("user__"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in ids if background.queue(send_notification_email, pk)]


def notifications_for(user: User):
    return Notification.objects.filter(user=user).select_related(
        "pledge", "pledge__municipality", "agreement", "agreement__municipality"
    )
