"""The personal calendar address: a secret, revocable token per user.

The address ``/kalender/<token>.ics`` answers without a login (calendar programs cannot
log in), so the token is the only key: 256 random bits (``secrets.token_urlsafe``), one
open address per user at a time (a constraint), and a revoked address answers 404 for
ever. Making a new address revokes the old one. The feed itself is built by
``followup.calendar``, as the user, through ``councils.access``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.validators import single_line

#: the longest token ever made (token_urlsafe(32) is 43 characters); longer is junk
TOKEN_LENGTH = 64


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(
        _("secret"), max_length=TOKEN_LENGTH, unique=True, editable=False, validators=[single_line]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("turned off"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


def open_feed(user) -> CalendarFeed | None:
    """The user's open calendar address, if they have one."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_user(token: str):
    """The active user whose open address has ``token``; None for anything else."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address for ``user``; the old one (if any) stops answering."""
    calendar_feed_revoke(user=user)
    return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def calendar_feed_revoke(*, user) -> int:
    """Turn the user's address off; returns how many were open (0 or 1)."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
