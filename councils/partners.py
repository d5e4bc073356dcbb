"""Partner organisations at the table: partnerships with municipalities and invitations.

A partner organisation (``Organisation.Kind.PARTNER``, with its ``partner_kind``) works
with one or more municipalities: a ``Partnership`` per municipality, started and ended
by that municipality's coordinators (never deleted: the ended ones are the history). Its
roles (reporter, contact, organisation administrator) grant capabilities only on the
municipalities with an active partnership (``councils.access``).

People join a partner organisation by ``Invitation``: a signed link sent by e-mail,
used once, open for ``INVITATION_DAYS`` days, withdrawn at will. The writes are in
``councils.partner_services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils import history as history_log
from councils.concurrency import Versioned
from councils.constraints import not_before
from councils.models import InMunicipality, Organisation, Role, municipality_field
from councils.validators import single_line

#: how long an invitation's link opens
INVITATION_DAYS = 7
#: the salt of the signed invitation links: a link signs nothing else
SALT = "councils.invitation"
#: the roles a partner organisation invites to
INVITED_ROLES = (Role.REPORTER, Role.CONTACT, Role.ORG_ADMIN)


class PartnershipQuerySet(models.QuerySet):
    def active(self) -> PartnershipQuerySet:
        return self.filter(ended_on__isnull=True)


@history_log.register
class Partnership(InMunicipality, Versioned):
    """A partner organisation works with a municipality, from one day until it ends."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
        limit_choices_to={"kind": Organisation.Kind.PARTNER},
    )
    municipality = municipality_field("partnerships")
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    history = history_log.tracked()
    municipality_path = "municipality"

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-started_on", "-pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "municipality"],
                condition=Q(ended_on__isnull=True),
                name="partnership_one_active",
                violation_error_message=_("The organisation already works with the municipality."),
            ),
            not_before("ended_on", "started_on", optional=("ended_on",), name="partnership_order"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.municipality}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


@history_log.register
class Invitation(InMunicipality, Versioned):
    """An invitation of a person, by e-mail, into a partner organisation with a role."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    municipality = municipality_field("partner_invitations", on_delete=models.CASCADE)
    email = models.EmailField(_("e-mail"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=Role)
    #: the secret part of the signed link: a new one for every invitation
    nonce = models.CharField(
        _("secret"), max_length=64, unique=True, editable=False, validators=[single_line]
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("open until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    history = history_log.tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.organisation}"

    def token(self) -> str:
        """The signed part of the invitation's link (``invitation-accept``)."""
        return signing.dumps([self.pk, self.nonce], salt=SALT)

    def status_at(self, moment) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.withdrawn_at is not None:
            return self.Status.WITHDRAWN
        if moment >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.OPEN
