"""Citizen pledges (medborgarlöften) and their activity plans, the police review and
sign-off, regional themes, comments and in-app notifications.

Lifecycle: draft → in review → changes requested | approved → published →
followed up. Publishing freezes the pledge: a change is a new version that goes
through review again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import ActionPlan, Agreement, Goal, PriorityProblem
from councils import formats
from councils import history as history_log
from councils.concurrency import Versioned
from councils.constraints import Changed, Period, not_before
from councils.dates import PLAUSIBLE_DATE
from councils.history import tracked
from councils.models import (
    Decision,
    InMunicipality,
    Organisation,
    PoliceRegion,
    User,
    VulnerableArea,
    municipality_field,
)
from councils.sharing import SHARED_WITH_MAX, SharedVersion
from councils.signing import Signed
from councils.validators import single_line


class RegionalTheme(models.Model):
    """A theme a police region requires every pledge in the region to address."""

    police_region = models.ForeignKey(
        PoliceRegion,
        verbose_name=_("police region"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("theme"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["police_region", "order", "pk"]
        verbose_name = _("regional theme")
        verbose_name_plural = _("regional themes")
        constraints = [
            models.UniqueConstraint(fields=["police_region", "code"], name="theme_unique_code")
        ]

    def __str__(self) -> str:
        return self.title


class PledgeQuerySet(models.QuerySet):
    """The status sets of ``Pledge`` as filters (``Pledge.objects.public()``)."""

    def public(self) -> PledgeQuerySet:
        """What residents may open (and what is followed up)."""
        return self.filter(status__in=Pledge.PUBLIC_STATUSES)

    def editable(self) -> PledgeQuerySet:
        return self.filter(status__in=Pledge.EDITABLE_STATUSES)


@history_log.register
class Pledge(InMunicipality, Signed, Versioned, Period, Changed):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("signed and published")
        FOLLOWED_UP = "followed_up", _("followed up")

    #: The one definition of "public": residents see these, and only these are followed up.
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.FOLLOWED_UP)
    #: The municipality may still change the pledge.
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    #: Approved by the police: being signed, or signed and published.
    SIGNING_STATUSES = (Status.APPROVED, *PUBLIC_STATUSES)

    objects = PledgeQuerySet.as_manager()

    municipality = municipality_field("pledges")
    area = models.CharField(
        _("area"),
        max_length=200,
        blank=True,
        help_text=_("A part of the municipality, if the pledge is for one."),
        validators=[single_line],
    )
    vulnerable_area = models.ForeignKey(
        VulnerableArea,
        verbose_name=_("vulnerable area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("cooperation agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    public_text = models.TextField(
        _("public text"),
        blank=True,
        help_text=_("What the police and the municipality promise residents."),
    )
    problems = models.ManyToManyField(
        PriorityProblem, verbose_name=_("problems it addresses"), blank=True, related_name="pledges"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(
        _("shared for review"), null=True, blank=True, editable=False
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    #: the organisation(s) it was last shared with (the history keeps every sharing)
    shared_with = models.CharField(
        _("shared with"),
        max_length=SHARED_WITH_MAX,
        blank=True,
        editable=False,
        validators=[single_line],
    )
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous pledge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        editable=False,
    )
    #: a new version of a published pledge replaces it when the new one is published
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("new version of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
    )
    #: what the renewal that made this draft could not carry over by itself, for the
    #: coordinator to check: [{"kind": …, "activity": …, "name": …}, …] (see
    #: ``pledges.renewal.renewal_notices``)
    renewal_notes = models.JSONField(default=list, blank=True, editable=False)
    history = tracked(excluded_fields=["renewal_notes"])
    municipality_path = "municipality"
    #: the moment it was shared with the police (``councils.sharing``; the history says so)
    shared_moment_field = "submitted_at"

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("citizen pledge")
        verbose_name_plural = _("citizen pledges")
        constraints = [
            not_before("period_end", "period_start", name="pledge_period_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def in_review(self) -> bool:
        return self.status == self.Status.IN_REVIEW

    @property
    def changes_requested(self) -> bool:
        return self.status == self.Status.CHANGES_REQUESTED

    @property
    def is_approved(self) -> bool:
        """Approved by the police and not yet published (waiting for the signatures)."""
        return self.status == self.Status.APPROVED

    @property
    def in_signing(self) -> bool:
        """Approved, signed or published: the signatures are what the page shows."""
        return self.status in self.SIGNING_STATUSES


@history_log.register
class Dialogue(InMunicipality, models.Model):
    """A dialogue the pledge rests on."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("citizen dialogue")
        STAFF = "staff", _("staff dialogue")
        SAFETY_WALK = "safety_walk", _("safety walk")
        SURVEY = "survey", _("survey")

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="dialogues"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    held_on = models.DateField(_("date"), validators=PLAUSIBLE_DATE)
    participants = models.CharField(
        _("participants"), max_length=300, blank=True, validators=[single_line]
    )
    summary = models.TextField(_("summary"), blank=True)
    history = tracked()
    municipality_path = "pledge__municipality"

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {formats.iso(self.held_on)}"


@history_log.register
class Activity(InMunicipality, Versioned, Changed):
    class Party(models.TextChoices):
        POLICE = "police", _("the police")
        MUNICIPALITY = "municipality", _("the municipality")
        JOINT = "joint", _("jointly")
        PARTNER = "partner", _("a partner")

    class Type(models.TextChoices):
        SOCIAL = "social", _("social")
        SITUATIONAL = "situational", _("situational")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("carried out")
        NOT_DONE = "not_done", _("not carried out")
        CANCELLED = "cancelled", _("cancelled")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        TERTIAL = "tertial", _("every four months")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    responsible_party = models.CharField(_("responsible party"), max_length=20, choices=Party)
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_activities",
        limit_choices_to={"kind": Organisation.Kind.PARTNER},
        help_text=_("A partner the municipality works with; its contacts follow it up."),
    )
    partner_name = models.CharField(
        _("partner organisation (name)"),
        max_length=200,
        blank=True,
        help_text=_("When the responsible partner is not in the list."),
        validators=[single_line],
    )
    responsible_user = models.ForeignKey(
        User,
        verbose_name=_("responsible person (user)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
    )
    responsible_name = models.CharField(
        _("responsible person"), max_length=200, blank=True, validators=[single_line]
    )
    responsible_email = models.EmailField(_("responsible person's e-mail"), blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True, validators=PLAUSIBLE_DATE)
    end_date = models.DateField(_("to"), null=True, blank=True, validators=PLAUSIBLE_DATE)
    recurrence = models.CharField(
        _("recurrence"),
        max_length=200,
        blank=True,
        help_text=_("For example: every Friday evening."),
        validators=[single_line],
    )
    type = models.CharField(_("type"), max_length=20, choices=Type)
    problem = models.ForeignKey(
        PriorityProblem,
        verbose_name=_("problem it serves"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal it serves"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    action_plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("council decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    themes = models.ManyToManyField(
        RegionalTheme, verbose_name=_("regional themes"), blank=True, related_name="activities"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    #: what residents see: the status of the latest published follow-up, or the plan's
    #: status while none is published. Blank until a follow-up is recorded (until then
    #: ``status`` is the plan's); only the follow-up services set it.
    public_status = models.CharField(
        _("public status"), max_length=20, choices=Status, blank=True, default="", editable=False
    )
    cadence = models.CharField(
        _("follow-up cadence"), max_length=20, choices=Cadence, default=Cadence.TERTIAL
    )
    next_follow_up = models.DateField(
        _("next follow-up"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    #: deleted activities are kept until the pledge is submitted, so they can be restored
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    history = tracked()
    municipality_path = "pledge__municipality"

    class Meta:
        ordering = ["pledge", "order", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        # follow-ups due or overdue (start pages, dashboards, the daily reminders): a few
        # hundred of the country's tens of thousands of activities, found without a scan
        indexes = [
            models.Index(
                fields=["next_follow_up"],
                condition=Q(deleted_at__isnull=True),
                name="activity_follow_up_due",
            )
        ]
        constraints = [
            not_before(
                "end_date",
                "start_date",
                optional=("end_date", "start_date"),
                name="activity_dates_order",
            ),
            models.CheckConstraint(
                condition=~Q(responsible_party="partner")
                | ~Q(partner_name="")
                | Q(responsible_organisation__isnull=False),
                name="activity_partner_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def partner_display(self) -> str:
        """The responsible partner: its organisation's name, or the name typed in."""
        if self.responsible_organisation_id:
            return self.responsible_organisation.name
        return self.partner_name


class Comment(InMunicipality, models.Model):
    """An internal review comment on a pledge or one activity; never public."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="comments"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("answer to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[single_line]
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality_path = "pledge__municipality"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.text[:60]


class Review(models.Model):
    """What the pledge looked like when it was reviewed: the base of "what changed since"."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        User, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    message = models.TextField(_("message"), blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {formats.iso(self.created_at)}"


class Notification(models.Model):
    """An in-app notice; ``emailed_at`` is claimed by the e-mail task, so it is sent once.
    A send that fails for good leaves ``emailed_at`` empty and ``email_error`` set, and
    the user's address failing (``councils.addresses``): nothing is sent until cleared."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("pledge submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("pledge approved")
        PUBLISHED = "published", _("pledge published")
        COMMENT = "comment", _("new comment")
        AGREEMENT_SUBMITTED = "agreement_submitted", _("agreement sent for signature")
        AGREEMENT_SIGNED = "agreement_signed", _("agreement signed")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    #: what the notice is about: a pledge or an agreement, exactly one of them
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)
    #: the notice is also e-mailed (False: in the app only, e.g. a comment); the task
    #: and the resend sweep take only these
    email = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge__isnull=False, agreement__isnull=True)
                | Q(pledge__isnull=True, agreement__isnull=False),
                name="notification_about_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document}"

    @property
    def document(self) -> Pledge | Agreement:
        """The pledge or the agreement the notice is about (each has a ``title`` and a
        ``municipality``)."""
        return self.pledge if self.pledge_id else self.agreement


class SharedPledge(InMunicipality, SharedVersion):
    """The pledge exactly as it was sent to the police for review (``councils.sharing``)."""

    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("citizen pledge"),
        on_delete=models.CASCADE,
        related_name="shared_versions",
        editable=False,
    )
    municipality_path = "pledge__municipality"

    class Meta(SharedVersion.Meta):
        verbose_name = _("shared version of a pledge")
        verbose_name_plural = _("shared versions of pledges")

    def __str__(self) -> str:
        return f"{self.pledge_id} @ {formats.iso_datetime(self.shared_at)}"
