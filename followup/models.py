"""Follow-up of activities, indicators against goals, and reminders.

The top of the import chain: followup imports pledges, agreements and councils;
nothing imports followup. Where a lower app needs follow-up data (the public
pledge page), followup registers itself with it at start-up.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Goal
from councils import formats
from councils import history as history_log
from councils.concurrency import Versioned
from councils.constraints import Changed, Period, not_before, within
from councils.dates import PLAUSIBLE_DATE
from councils.history import tracked
from councils.models import (
    County,
    InMunicipality,
    Organisation,
    User,
    municipality_field,
)
from councils.validators import single_line
from pledges.models import Activity, Pledge

YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


# --- Follow-up of activities -----------------------------------------------------


@history_log.register
class FollowUp(InMunicipality, Versioned, Period, Changed):
    """What happened with one activity in one period."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    status = models.CharField(_("status at the time"), max_length=20, choices=Activity.Status)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done = models.TextField(_("what was done"), blank=True)
    effect = models.TextField(_("effect observed"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to residents on the public pledge page.")
    )
    reported_by = models.ForeignKey(
        User, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    #: the partner organisation an entry was recorded for by one of its contacts
    reported_for = models.ForeignKey(
        Organisation,
        verbose_name=_("reported for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = tracked()
    municipality_path = "activity__pledge__municipality"

    class Meta:
        ordering = ["activity", "-period_end", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            not_before("period_end", "period_start", name="follow_up_period_order"),
            within("progress", 0, 100, name="follow_up_progress_range"),
        ]
        indexes = [models.Index(fields=["activity", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.activity} {formats.iso_period(self.period_start, self.period_end)}"


class PledgeFollowUp(Period):
    """A pledge's follow-up of one period, marked complete and (maybe) published."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="period_follow_ups"
    )
    summary = models.TextField(_("summary for residents"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    marked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked followed up"), auto_now_add=True)

    class Meta:
        ordering = ["pledge", "-period_end"]
        verbose_name = _("pledge follow-up")
        verbose_name_plural = _("pledge follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "period_start", "period_end"], name="pledge_follow_up_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pledge} {formats.iso_period(self.period_start, self.period_end)}"


# --- Indicators ------------------------------------------------------------------


class Indicator(models.Model):
    class Source(models.TextChoices):
        SAFETY_SURVEY = "safety_survey", _("police safety survey")
        NTU = "ntu", _("NTU (Brå's national safety survey)")
        KOLADA = "kolada", _("Kolada")
        EST = "est", _("EST")
        OWN = "own", _("own measurement")

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    source = models.CharField(_("source"), max_length=20, choices=Source)
    code = models.CharField(
        _("code at the source"),
        max_length=40,
        blank=True,
        help_text=_("For Kolada: the KPI id, e.g. N07403."),
        validators=[single_line],
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True, validators=[single_line])
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"], condition=~Q(code=""), name="indicator_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(InMunicipality, models.Model):
    class Gender(models.TextChoices):
        TOTAL = "T", _("total")
        WOMEN = "K", _("women")
        MEN = "M", _("men")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    municipality = municipality_field("indicator_values", on_delete=models.CASCADE)
    area = models.CharField(
        _("area"),
        max_length=200,
        blank=True,
        help_text=_("Empty for the whole municipality."),
        validators=[single_line],
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, default=Gender.TOTAL)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    municipality_path = "municipality"

    class Meta:
        ordering = ["indicator", "municipality", "area", "year", "gender"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "area", "year", "gender"],
                name="indicator_value_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.municipality} {self.year} {self.gender}: {self.value}"


class GoalIndicator(InMunicipality, models.Model):
    """An agreement goal points at the indicator that measures it (followup → agreements)."""

    goal = models.OneToOneField(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="measured_by"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="goals"
    )
    area = models.CharField(_("area"), max_length=200, blank=True, validators=[single_line])
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=IndicatorValue.Gender,
        default=IndicatorValue.Gender.TOTAL,
    )
    history = tracked()
    municipality_path = "goal__agreement__municipality"

    class Meta:
        verbose_name = _("goal indicator")
        verbose_name_plural = _("goal indicators")

    def __str__(self) -> str:
        return f"{self.goal} → {self.indicator}"


# --- Reminders -------------------------------------------------------------------


class ReminderSettings(models.Model):
    """Per organisation: how many days before a due follow-up to remind."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    days_before_follow_up = models.PositiveSmallIntegerField(
        _("days before a follow-up is due"), default=7, validators=[MaxValueValidator(90)]
    )
    pledge_deadline_month = models.PositiveSmallIntegerField(
        _("month by which next year's pledge should exist"),
        default=11,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    pledge_deadline_day = models.PositiveSmallIntegerField(
        _("day of that month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    history = tracked()

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def scope_municipality_id(self) -> int | None:
        return self.organisation.municipality_id


class ReminderPreference(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("immediately")
        DAILY = "daily", _("a daily digest")
        WEEKLY = "weekly", _("a weekly digest")

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(
        _("e-mails"), max_length=20, choices=Frequency, default=Frequency.DAILY
    )
    #: kinds the user opted out of (only kinds that are not mandatory)
    muted_kinds = models.JSONField(_("kinds not e-mailed"), default=list, blank=True)
    history = tracked()

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"

    @property
    def scope_municipality_id(self) -> None:
        return None  # the person's own: no municipality's


class Reminder(models.Model):
    """One reminder of one thing, for one person, for one due date: the truth of what
    was (to be) sent. Unique, so running the job twice creates nothing twice."""

    class Kind(models.TextChoices):
        FOLLOW_UP_DUE = "follow_up_due", _("follow-up due soon")
        FOLLOW_UP_OVERDUE = "follow_up_overdue", _("follow-up overdue")
        AGREEMENT_ENDING = "agreement_ending", _("agreement ending within 90 days")
        PLEDGE_MISSING = "pledge_missing", _("no pledge for the coming year")
        REVIEW_WAITING = "review_waiting", _("pledge waiting for review")
        SIGNATURE_WAITING = "signature_waiting", _("signature waiting for more than 14 days")

    #: kinds a user cannot opt out of
    MANDATORY = frozenset({Kind.FOLLOW_UP_OVERDUE, Kind.REVIEW_WAITING})

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminders"
    )
    #: what the reminder is about, e.g. "activity:123", "agreement:4", "municipality:0180:2027"
    subject = models.CharField(_("about"), max_length=100, validators=[single_line])
    due_date = models.DateField(_("due date"), validators=PLAUSIBLE_DATE)
    municipality = municipality_field("+", on_delete=models.CASCADE)
    text = models.CharField(_("text"), max_length=500, validators=[single_line])
    url = models.CharField(_("link"), max_length=300, blank=True, validators=[single_line])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    #: set when the reminder is put in an e-mail (claimed), cleared if the send fails
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    send_error = models.TextField(_("last send error"), blank=True)
    failed = models.BooleanField(_("sending failed"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "subject", "due_date"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["user", "emailed_at"]), models.Index(fields=["failed"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class DigestEmail(models.Model):
    """At most one digest e-mail per user and day: the claim of the day's send."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"), validators=PLAUSIBLE_DATE)
    reminders = models.ManyToManyField(Reminder, related_name="digests")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("digest e-mail")
        verbose_name_plural = _("digest e-mails")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


# --- PDF reports -----------------------------------------------------------------


class Report(models.Model):
    """One rendering of a PDF report, rendered by a Celery task (``render_report``).

    At most one queued or running report exists per (kind, object, parameters): a
    second request while one renders reuses it. A county summary's object is the
    county and its parameters name the year.
    """

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("agreement")
        PLEDGE_PUBLIC = "pledge_public", _("pledge, public version")
        PLEDGE_INTERNAL = "pledge_internal", _("pledge, internal version")
        COUNTY_SUMMARY = "county_summary", _("county summary")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    object_id = models.PositiveIntegerField(_("object id"))
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: renders started (claims by a worker); a stalled render is retried up to a limit
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: the last sign of life: claimed by a worker, or queued again by the sweep
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "parameters"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_active_per_object",
            ),
            within("progress", 0, 100, name="report_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED


# --- the county board's own analysis ---------------------------------------------------


class CountyAnalysis(Versioned):
    """The county board's own words on a county's year, printed in the county summary:
    an introduction here, a comment per municipality in ``MunicipalityComment``. Written
    by the county officers of the county's board (``access.writes_county_analysis``) and
    internal to them until the PDF is made."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="analyses"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    introduction = models.TextField(_("introduction"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = tracked()

    class Meta:
        verbose_name = _("county analysis")
        verbose_name_plural = _("county analyses")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="county_analysis_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    @property
    def scope_municipality_id(self) -> int | None:
        """A municipality of the county: its history records the county board the
        officer acted for (whose scope is every municipality of the county)."""
        return self.county.municipalities.values_list("pk", flat=True).order_by("pk").first()


class MunicipalityComment(InMunicipality, Versioned):
    """The county board's comment on one municipality in a county analysis."""

    analysis = models.ForeignKey(
        CountyAnalysis,
        verbose_name=_("county analysis"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    municipality = municipality_field("county_comments")
    text = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        verbose_name = _("comment on a municipality")
        verbose_name_plural = _("comments on municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "municipality"], name="municipality_comment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.analysis}: {self.municipality}"
