"""Residents who follow a municipality's citizen pledges by e-mail, the public events
they are told of, and the daily digest that tells them.

What is kept of a resident is the least that works: the address, the municipality,
when the follow was asked for (to delete it unconfirmed after a week), when it was
confirmed (the consent) and when it ended. On unsubscription the address is deleted;
the row stays, with the times of consent and withdrawal and nothing that names the
person.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils.dates import PLAUSIBLE_DATE
from councils.models import municipality_field
from councils.validators import single_line
from pledges.models import Pledge


class Follower(models.Model):
    """One address following one municipality (double opt-in)."""

    municipality = municipality_field("+", on_delete=models.CASCADE)
    #: empty once the follower has unsubscribed (the address is deleted)
    email = models.EmailField(_("e-mail address"), blank=True)
    requested_at = models.DateTimeField(_("asked to follow"))
    confirmed_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"],
                condition=Q(unsubscribed_at__isnull=True) & ~Q(email=""),
                name="one_follower_per_address",
            )
        ]
        indexes = [models.Index(fields=["confirmed_at", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.municipality_id}:{self.pk}"

    @property
    def active(self) -> bool:
        return bool(self.email) and self.confirmed_at is not None and not self.unsubscribed_at


class Event(models.Model):
    """Something the municipality made public: a pledge published, a new version of it
    published, or a follow-up published. Recorded once (``key``)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("citizen pledge published")
        NEW_VERSION = "new_version", _("new version of a citizen pledge")
        FOLLOW_UP = "follow_up", _("follow-up published")

    municipality = municipality_field("+", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="+"
    )
    #: "pledge:<pk>" or "follow-up:<pk>": what makes the event once
    key = models.CharField(_("key"), max_length=40, unique=True, validators=[single_line])
    occurred_at = models.DateTimeField(_("occurred"))

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("public event")
        verbose_name_plural = _("public events")
        indexes = [models.Index(fields=["occurred_at"])]

    def __str__(self) -> str:
        return self.key


class Digest(models.Model):
    """At most one e-mail per follower (so per municipality) and day: the claim of the
    day's send."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField(_("day"), validators=PLAUSIBLE_DATE)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("follower digest")
        verbose_name_plural = _("follower digests")
        constraints = [
            models.UniqueConstraint(fields=["follower", "day"], name="one_follower_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} {self.day}"


class Delivery(models.Model):
    """An event in a follower's digest: each event at most once per follower."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["follower", "event"], name="one_delivery_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.follower_id}:{self.event_id}"
