"""The knowledge-based chain: situational picture (lägesbild) → priority problems →
cooperation agreement (samverkansöverenskommelse) with focus areas and measurable
goals → action plan decision (åtgärdsplan).

Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete names the parts of
a lägesbild (kartläggning, övrig relevant information, analys) and the action plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from councils import dates, formats
from councils import history as history_log
from councils.concurrency import Versioned
from councils.constraints import not_before
from councils.dates import PLAUSIBLE_DATE, add_months
from councils.history import tracked
from councils.models import (
    InMunicipality,
    LocalPoliceArea,
    User,
    VulnerableArea,
    municipality_field,
)
from councils.sharing import SHARED_WITH_MAX, SharedVersion
from councils.signing import Signed
from councils.validators import single_line

YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


@history_log.register
class SituationalPicture(InMunicipality, Versioned, Timestamped):
    """Lägesbild: crime and insecurity in the municipality, and an analysis of it."""

    class Owner(models.TextChoices):
        MUNICIPALITY = "municipality", _("the municipality")
        POLICE = "police", _("the police")
        JOINT = "joint", _("municipality and police jointly")

    municipality = municipality_field("situational_pictures")
    owner = models.CharField(_("owner"), max_length=20, choices=Owner, default=Owner.JOINT)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    period_start = models.DateField(_("period covered, from"), validators=PLAUSIBLE_DATE)
    period_end = models.DateField(_("period covered, to"), validators=PLAUSIBLE_DATE)
    mapping = models.TextField(
        _("mapping"),
        blank=True,
        help_text=_("Kartläggning: the crime in the area, its extent and its consequences."),
    )
    other_information = models.TextField(_("other relevant information"), blank=True)
    analysis = models.TextField(
        _("analysis"), blank=True, help_text=_("Including the probable causes.")
    )
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, validators=[single_line]
    )
    decided_on = models.DateField(
        _("decision date"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    next_review = models.DateField(
        _("next review"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("The lägesbild the municipality works from now. Only one can be current."),
    )
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-is_current", "-period_end", "-pk"]
        verbose_name = _("situational picture")
        verbose_name_plural = _("situational pictures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(is_current=True),
                name="one_current_situational_picture",
                violation_error_message=_("The municipality already has a current lägesbild."),
            ),
            not_before("period_end", "period_start", name="situational_picture_period_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def decided(self) -> bool:
        return bool(self.decided_by and self.decided_on)

    @property
    def age_counted_from(self) -> date:
        """The day its age counts from: its decision, or its period's end if undecided
        (the last day its data describes)."""
        return self.decided_on or self.period_end

    def age_in_days(self, today: date | None = None) -> int:
        """Days since it was decided (or since its period ended, if not decided)."""
        today = today or dates.today()
        return (today - self.age_counted_from).days

    def age_in_months(self, today: date) -> int:
        """Whole calendar months since ``age_counted_from`` (0 when that is still to
        come): the age shown, counted as the stale limit is."""
        start = self.age_counted_from
        months = (today.year - start.year) * 12 + today.month - start.month
        if months > 0 and add_months(start, months) > today:
            months -= 1
        return max(months, 0)

    def staleness(self, today: date) -> Staleness | None:
        """Why this lägesbild needs review on ``today``, or None while it is up to date.

        The one rule (panel, county dashboard, county summary): with a next review date,
        it is stale once that date has passed (on the day itself it is not yet); without
        one, once it is older than ``settings.LAGESBILD_STALE_MONTHS`` calendar months,
        counted from ``age_counted_from`` (exactly that many months old is not yet stale).
        """
        if self.next_review is not None:
            if today > self.next_review:
                return Staleness(Staleness.REVIEW_PASSED, self.next_review)
            return None
        limit = settings.LAGESBILD_STALE_MONTHS
        start = self.age_counted_from
        if today > add_months(start, limit):
            return Staleness(
                Staleness.TOO_OLD, start, limit=limit, decided=self.decided_on is not None
            )
        return None


@dataclass(frozen=True)
class Staleness:
    """Why a current lägesbild needs review (``SituationalPicture.staleness``)."""

    REVIEW_PASSED = "review_passed"
    TOO_OLD = "too_old"

    reason: str
    #: the review date that has passed, or the day the age counts from
    day: date
    #: the limit in months (TOO_OLD only)
    limit: int = 0
    #: whether ``day`` is the decision date (TOO_OLD only); else the period's end
    decided: bool = True

    @property
    def detail(self) -> str:
        """Why, in a few words: "nästa översyn var 2026-03-31"."""
        day = formats.iso(self.day)
        if self.reason == self.REVIEW_PASSED:
            return gettext("the next review was due %(date)s") % {"date": day}
        if self.decided:
            text = ngettext(
                "older than %(limit)d month, decided on %(date)s",
                "older than %(limit)d months, decided on %(date)s",
                self.limit,
            )
        else:
            text = ngettext(
                "older than %(limit)d month, its period ended %(date)s",
                "older than %(limit)d months, its period ended %(date)s",
                self.limit,
            )
        return text % {"limit": self.limit, "date": day}

    @property
    def message(self) -> str:
        """The warning as a sentence: "Lägesbilden behöver ses över: nästa översyn var …"."""
        return gettext("The lägesbild needs review: %(detail)s") % {"detail": self.detail}

    def __str__(self) -> str:
        return self.message


@history_log.register
class Source(InMunicipality, models.Model):
    class Kind(models.TextChoices):
        CRIME_STATISTICS = "crime_statistics", _("crime statistics")
        SAFETY_SURVEY = "safety_survey", _("safety survey")
        CITIZEN_DIALOGUE = "citizen_dialogue", _("citizen dialogue")
        STAFF_DIALOGUE = "staff_dialogue", _("staff dialogue")
        POLICE_INTELLIGENCE = "police_intelligence", _("police intelligence")
        EST = "est", _("EST (effective coordination for safety)")
        OTHER = "other", _("other")

    picture = models.ForeignKey(
        SituationalPicture,
        verbose_name=_("situational picture"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[single_line])
    dated = models.DateField(_("date"), null=True, blank=True, validators=PLAUSIBLE_DATE)
    history = tracked()
    municipality_path = "picture__municipality"

    class Meta:
        ordering = ["kind", "dated", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.get_kind_display()


@history_log.register
class PriorityProblem(InMunicipality, Versioned, Timestamped):
    class Perspective(models.TextChoices):
        SITUATIONAL = "situational", _("situational")
        SOCIAL = "social", _("social")
        VICTIMS = "victims", _("victims")

    picture = models.ForeignKey(
        SituationalPicture,
        verbose_name=_("situational picture"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    title = models.CharField(_("problem"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(
        _("place or area"), max_length=200, blank=True, validators=[single_line]
    )
    vulnerable_area = models.ForeignKey(
        VulnerableArea,
        verbose_name=_("vulnerable area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    cause_analysis = models.TextField(_("cause analysis"), blank=True)
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective)
    rank = models.PositiveIntegerField(_("rank"), default=1)
    history = tracked()
    municipality_path = "picture__municipality"

    class Meta:
        ordering = ["picture", "rank", "pk"]
        verbose_name = _("priority problem")
        verbose_name_plural = _("priority problems")

    def __str__(self) -> str:
        return self.title


@history_log.register
class ActionPlan(InMunicipality, Versioned, Timestamped):
    """Åtgärdsplan: the decided set of goals and activities that answer the problems.

    Activities (pledges app) point at the plan they belong to.
    """

    municipality = municipality_field("action_plans")
    picture = models.ForeignKey(
        SituationalPicture,
        verbose_name=_("based on the situational picture"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    decided_by = models.CharField(_("decided by"), max_length=200, validators=[single_line])
    decided_on = models.DateField(_("decision date"), validators=PLAUSIBLE_DATE)
    valid_from = models.DateField(_("valid from"), validators=PLAUSIBLE_DATE)
    valid_until = models.DateField(_("valid until"), validators=PLAUSIBLE_DATE)
    problems = models.ManyToManyField(
        PriorityProblem, verbose_name=_("problems it answers"), blank=True, related_name="+"
    )
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-valid_until", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            not_before("valid_until", "valid_from", name="action_plan_validity_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


@history_log.register
class Agreement(InMunicipality, Signed, Versioned, Timestamped):
    """Samverkansöverenskommelse between the municipality and its local police area(s)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING_SIGNATURE = "awaiting_signature", _("awaiting signature")
        SIGNED = "signed", _("signed")
        REPLACED = "replaced", _("replaced")

    #: the statuses every user with READ may open; the rest need INTERNAL
    VISIBLE_TO_READERS = (Status.SIGNED, Status.REPLACED)

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        TERTIAL = "tertial", _("every four months")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEARLY = "half_yearly", _("twice a year")
        YEARLY = "yearly", _("yearly")

    municipality = municipality_field("agreements")
    police_areas = models.ManyToManyField(
        LocalPoliceArea, verbose_name=_("local police areas"), related_name="agreements"
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    start_date = models.DateField(_("start date"), validators=PLAUSIBLE_DATE)
    end_date = models.DateField(_("end date"), validators=PLAUSIBLE_DATE)
    problems = models.ManyToManyField(
        PriorityProblem, verbose_name=_("problems in focus"), blank=True, related_name="agreements"
    )
    documentation = models.TextField(_("how the work is documented"), blank=True)
    follow_up_by = models.CharField(
        _("who follows up"), max_length=300, blank=True, validators=[single_line]
    )
    follow_up_frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency, blank=True
    )
    municipality_signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    police_signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    shared_for_signature_at = models.DateTimeField(
        _("shared for signature"), null=True, blank=True, editable=False
    )
    #: the organisation(s) it was last shared with (the history keeps every sharing)
    shared_with = models.CharField(
        _("shared with"),
        max_length=SHARED_WITH_MAX,
        blank=True,
        editable=False,
        validators=[single_line],
    )
    signed_at = models.DateTimeField(_("signed by both"), null=True, blank=True, editable=False)
    #: the content exactly as both parties signed it; the signed version is read from here
    signed_snapshot = models.JSONField(null=True, blank=True, editable=False)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        editable=False,
    )
    #: what a renewal could not carry over by itself: [{"kind": ..., "name": ...}]
    renewal_notes = models.JSONField(default=list, blank=True, editable=False)
    history = tracked(excluded_fields=["signed_snapshot", "renewal_notes"])
    municipality_path = "municipality"
    #: the moment it was shared with the police (``councils.sharing``; the history says so)
    shared_moment_field = "shared_for_signature_at"

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        constraints = [
            not_before("end_date", "start_date", strictly=True, name="agreement_period_order"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_snapshot__isnull=False),
                name="signed_agreement_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def signing_police_area_ids(self):
        """The police sign through a liaison of one of the areas the agreement names."""
        return self.police_areas.values_list("pk", flat=True)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def awaiting_signature(self) -> bool:
        return self.status == self.Status.AWAITING_SIGNATURE

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def phase(self, today: date | None = None) -> str:
        """The lifecycle shown to people: draft, awaiting signature, signed (not yet
        started), in force, expired (derived from the end date) or replaced."""
        today = today or dates.today()
        if self.status == self.Status.SIGNED:
            if today > self.end_date:
                return "expired"
            if today < self.start_date:
                return "signed"
            return "in_force"
        return self.status

    def days_to_expiry(self, today: date | None = None) -> int:
        return (self.end_date - (today or dates.today())).days


PHASE_LABELS = {
    "draft": _("draft"),
    "awaiting_signature": _("awaiting signature"),
    "signed": _("signed, not yet in force"),
    "in_force": _("in force"),
    "expired": _("expired"),
    "replaced": _("replaced"),
}


@history_log.register
class FocusArea(InMunicipality, Versioned):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    title = models.CharField(_("focus area"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = tracked()
    municipality_path = "agreement__municipality"

    class Meta:
        ordering = ["agreement", "order", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.title


@history_log.register
class Goal(InMunicipality, Versioned):
    """A delimited, measurable goal: an indicator, a baseline and a target."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="goals"
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("focus area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
    )
    text = models.CharField(_("goal"), max_length=500, validators=[single_line])
    indicator_name = models.CharField(
        _("indicator"), max_length=200, blank=True, validators=[single_line]
    )
    indicator_source = models.CharField(
        _("source of the indicator"),
        max_length=200,
        blank=True,
        help_text=_("For example: the police safety survey, NTU, Kolada."),
        validators=[single_line],
    )
    indicator_unit = models.CharField(
        _("unit"), max_length=50, blank=True, validators=[single_line]
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=YEAR
    )
    latest_value = models.DecimalField(
        _("latest result"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    latest_year = models.PositiveSmallIntegerField(
        _("year of the latest result"), null=True, blank=True, validators=YEAR
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    history = tracked()
    municipality_path = "agreement__municipality"

    class Meta:
        ordering = ["agreement", "order", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | ~Q(indicator_name=""),
                name="goal_target_needs_indicator",
                violation_error_message=_("A goal with a target needs an indicator."),
            ),
            not_before(
                "target_year",
                "baseline_year",
                optional=("target_year", "baseline_year"),
                name="goal_target_after_baseline",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def measurable(self) -> bool:
        return bool(
            self.indicator_name
            and self.baseline_value is not None
            and self.baseline_year
            and self.target_value is not None
            and self.target_year
        )


class Comment(models.Model):
    """An internal comment on an agreement, by either party; never public."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[single_line]
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class SharedAgreement(InMunicipality, SharedVersion):
    """The agreement exactly as it was sent for signature (``councils.sharing``)."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="shared_versions",
        editable=False,
    )
    municipality_path = "agreement__municipality"

    class Meta(SharedVersion.Meta):
        verbose_name = _("shared version of an agreement")
        verbose_name_plural = _("shared versions of agreements")

    def __str__(self) -> str:
        return f"{self.agreement_id} @ {formats.iso_datetime(self.shared_at)}"
