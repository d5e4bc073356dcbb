"""Following a municipality: ask, confirm (double opt-in), unsubscribe, and the weekly
forgetting of addresses never confirmed.

Links in the e-mails carry a token signed with ``django.core.signing``: the
confirmation expires after ``UNCONFIRMED_DAYS`` (and the unconfirmed address is
deleted then too); the unsubscribe link does not expire (an old digest's link must
still work). Asking to follow answers the same whether or not the address already
follows: one e-mail to the address either way (a confirmation, or a note that it
already follows with its unsubscribe link), so only the address's owner learns which.

On unsubscription the address is deleted (not hashed: nothing needs to recognise it
again), and the row keeps the municipality and the times of consent and withdrawal.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from councils import background, dates
from councils.models import Municipality
from residents.emails import ALREADY, CONFIRM, send_follow_mail
from residents.models import Follower
from residents.tokens import (
    CONFIRM_SALT,
    UNCONFIRMED_DAYS,
    UNSUBSCRIBE_SALT,
    fingerprint,
    load,
    normalised,
)


def pending_for(token: str) -> Follower | None:
    """The follower a confirmation link is for, while the link is valid."""
    value = load(token, CONFIRM_SALT, dt.timedelta(days=UNCONFIRMED_DAYS))
    if value is None:
        return None
    follower = (
        Follower.objects.filter(pk=value["f"], unsubscribed_at__isnull=True)
        .exclude(email="")
        .select_related("municipality")
        .first()
    )
    if follower is None or fingerprint(follower.email) != value.get("a"):
        return None
    return follower


def follower_for(token: str) -> Follower | None:
    """The follower an unsubscribe link is for (unsubscribed already or not)."""
    value = load(token, UNSUBSCRIBE_SALT)
    if value is None:
        return None
    return Follower.objects.filter(pk=value["f"]).select_related("municipality").first()


def ask_to_follow(municipality: Municipality | int, address: str) -> None:
    """Record the wish and queue one e-mail to the address: a confirmation, or (when it
    follows already) a note saying so. Nothing else differs."""
    address = normalised(address)
    municipality_id = getattr(municipality, "pk", municipality)
    now = dates.now()
    with transaction.atomic():
        current = Follower.objects.filter(
            municipality_id=municipality_id, email=address, unsubscribed_at__isnull=True
        )
        follower = current.select_for_update().first()
        if follower is None:
            try:
                with transaction.atomic():
                    follower = Follower.objects.create(
                        municipality_id=municipality_id, email=address, requested_at=now
                    )
            except IntegrityError:  # asked twice at once: the other request's row
                follower = current.get()
        elif follower.confirmed_at is None:
            Follower.objects.filter(pk=follower.pk).update(requested_at=now)
        kind = ALREADY if follower.confirmed_at else CONFIRM
        background.enqueue(send_follow_mail, follower.pk, kind)


def confirm(follower: Follower) -> Follower:
    """Consent given: from now on the follower's digests are sent. Confirming twice
    keeps the first time."""
    Follower.objects.filter(pk=follower.pk, confirmed_at__isnull=True).update(
        confirmed_at=dates.now()
    )
    follower.refresh_from_db()
    return follower


def unsubscribe(follower: Follower) -> None:
    """Stop following and delete the address; unsubscribing twice changes nothing."""
    Follower.objects.filter(pk=follower.pk, unsubscribed_at__isnull=True).update(
        email="", unsubscribed_at=dates.now()
    )


def forget_unconfirmed(now: dt.datetime | None = None) -> int:
    """Delete the addresses not confirmed within UNCONFIRMED_DAYS (the scheduled job).
    Returns how many were deleted."""
    now = now or dates.now()
    deleted, _by_model = Follower.objects.filter(
        confirmed_at__isnull=True,
        unsubscribed_at__isnull=True,
        requested_at__lt=now - dt.timedelta(days=UNCONFIRMED_DAYS),
    ).delete()
    return deleted
