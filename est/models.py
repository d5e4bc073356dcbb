"""EST (Effektiv samordning för trygghet): places, incident reports by place, the weekly
totals the picture is drawn from, the weekly EST meeting and the tertial analysis.

Reports are about places, never about people. Each report's counts are kept in
``WeeklyTotal`` in the same transaction as the report is saved, changed or deleted
(``est.services``), so the picture never reads raw reports for old weeks and the
retention job can delete old reports while their counts stay.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from agreements.models import SituationalPicture
from councils import history as history_log
from councils.concurrency import Versioned
from councils.constraints import within
from councils.dates import PLAUSIBLE_DATE
from councils.history import tracked
from councils.models import InMunicipality, Municipality, Organisation, municipality_field
from councils.validators import single_line
from pledges.models import Activity

#: Sweden's extent, for a place's map point
LATITUDE = (55.0, 69.5)
LONGITUDE = (10.5, 24.5)
#: the most incidents one report (one cell of the weekly checklist) may count
MAX_COUNT = 10_000
#: the largest estimated cost of damage one report may give, in kronor
MAX_COST = 100_000_000
#: the longest description of a report: a short one
MAX_DESCRIPTION = 500


@history_log.register
class Place(InMunicipality, Versioned):
    """A concrete place incidents are reported at, in an area of the municipality."""

    class Kind(models.TextChoices):
        STREET = "street", _("street")
        SQUARE = "square", _("square")
        SCHOOL_YARD = "school_yard", _("school yard")
        STAIRWELL = "stairwell", _("stairwell address")
        PARK = "park", _("park or green space")
        CENTRE = "centre", _("centre or shopping area")
        STATION = "station", _("station or stop")
        OTHER = "other", _("other place")

    municipality = municipality_field("est_places")
    name = models.CharField(_("place"), max_length=200, validators=[single_line])
    area = models.CharField(
        _("area"),
        max_length=100,
        validators=[single_line],
        help_text=_("The part of the municipality, e.g. Gottsunda or Centrum."),
    )
    kind = models.CharField(_("kind of place"), max_length=20, choices=Kind, default=Kind.STREET)
    vulnerable = models.BooleanField(
        _("in a vulnerable area"),
        default=False,
        help_text=_("In one of the police's vulnerable areas (utsatta områden)."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE[0]), MaxValueValidator(LATITUDE[1])],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE[0]), MaxValueValidator(LONGITUDE[1])],
    )
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Places no longer in use keep their counts.")
    )
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["area", "name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "area", "name"],
                name="est_place_unique_name",
                violation_error_message=_("The area already has a place of that name."),
            ),
            # an empty point passes (a check on NULL is not false)
            within("latitude", LATITUDE[0], LATITUDE[1], name="est_place_latitude_in_sweden"),
            within("longitude", LONGITUDE[0], LONGITUDE[1], name="est_place_longitude_in_sweden"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.area})"

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Category(Versioned):
    """What happened. EST's usual categories are shared (no municipality, seeded by a
    migration); a municipality adds its own."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="est_categories",
    )
    code = models.SlugField(_("code"), max_length=40, blank=True, editable=False)
    name = models.CharField(_("category"), max_length=100, validators=[single_line])
    order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Categories no longer in use keep their counts but take no new reports."),
    )
    history = tracked()
    #: only the municipality's own categories are looked up for a change (the shared
    #: ones have no municipality and so are nobody's to change)
    municipality_path = "municipality"

    class Meta:
        ordering = ["order", "name", "pk"]
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="est_category_unique_name",
                violation_error_message=_("The municipality already has that category."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_municipality_id(self) -> int | None:
        """The municipality its history records the acting organisation for (none for
        EST's shared categories)."""
        return self.municipality_id


class TimeBand(models.TextChoices):
    MORNING = "morning", _("morning (06–12)")
    AFTERNOON = "afternoon", _("afternoon (12–18)")
    EVENING = "evening", _("evening (18–24)")
    NIGHT = "night", _("night (00–06)")


@history_log.register
class Report(InMunicipality, Versioned):
    """One or more incidents of a category at a place on a day (händelserapport)."""

    municipality = municipality_field("est_reports")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="est_reports",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_on = models.DateField(_("date"), validators=PLAUSIBLE_DATE)
    time_band = models.CharField(_("time of day"), max_length=20, choices=TimeBand, blank=True)
    occurred_at = models.TimeField(_("time"), null=True, blank=True)
    #: the Monday of the ISO week of ``occurred_on`` (the weekly totals' key)
    week = models.DateField(_("week"), editable=False, db_index=True)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="reports"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    count = models.PositiveIntegerField(
        _("how many"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)]
    )
    cost = models.PositiveIntegerField(
        _("estimated cost of damage (kr)"),
        default=0,
        validators=[MaxValueValidator(MAX_COST)],
    )
    description = models.TextField(_("short description"), blank=True, max_length=MAX_DESCRIPTION)
    #: entered through the weekly checklist (saving the checklist again replaces these)
    checklist = models.BooleanField(_("from the weekly checklist"), default=False, editable=False)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    #: the last save (what the API's ``updated_since`` filter reads)
    updated_at = models.DateTimeField(_("changed"), auto_now=True, db_default=Now())
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        indexes = [models.Index(fields=["municipality", "week"], name="est_report_week")]
        constraints = [
            within("count", 1, MAX_COUNT, name="est_report_count_range"),
            within("cost", 0, MAX_COST, name="est_report_cost_range"),
        ]

    def __str__(self) -> str:
        return f"{self.category} – {self.place} ({self.occurred_on.isoformat()})"

    @property
    def clock(self) -> str:
        """The time it happened, as "21:30" ("" when only the time of day is known)."""
        at = self.occurred_at
        return "" if at is None else f"{at.hour:02d}:{at.minute:02d}"


class WeeklyTotal(InMunicipality, models.Model):
    """The counts of one place and category in one ISO week: kept by ``est.services`` in
    the same transaction as every report saved, changed or deleted, and kept after the
    reports themselves are deleted (retention)."""

    municipality = municipality_field("est_weekly_totals")
    week = models.DateField(_("week"))
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="weekly_totals"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("incidents"), default=0)
    cost = models.PositiveBigIntegerField(_("estimated cost (kr)"), default=0)
    #: reports in it that the retention job has deleted (their counts stay here)
    retained = models.PositiveIntegerField(_("counts of deleted reports"), default=0)
    municipality_path = "municipality"

    class Meta:
        ordering = ["week", "place", "category"]
        verbose_name = _("weekly total")
        verbose_name_plural = _("weekly totals")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "category", "week"], name="est_weekly_total_unique"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "week"], name="est_total_week")]

    def __str__(self) -> str:
        return f"{self.week.isoformat()}: {self.count}"


@history_log.register
class EstMeeting(InMunicipality, Versioned):
    """The weekly EST meeting: who met, what they saw, what they decided."""

    municipality = municipality_field("est_meetings")
    held_on = models.DateField(_("date"), validators=PLAUSIBLE_DATE)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations present"), blank=True, related_name="+"
    )
    analysis = models.TextField(_("analysis"), blank=True)
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("EST meeting")
        verbose_name_plural = _("EST meetings")

    def __str__(self) -> str:
        return str(_("EST meeting %(date)s") % {"date": self.held_on.isoformat()})


@history_log.register
class Measure(InMunicipality, Versioned):
    """A measure the EST meeting decided: a new activity in the current pledge, or a task
    with a responsible organisation and a date, followed up at the next meeting."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("an activity in the citizen pledge")
        TASK = "task", _("a task")

    meeting = models.ForeignKey(
        EstMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("kind of measure"), max_length=20, choices=Kind, default=Kind.TASK)
    title = models.CharField(_("measure"), max_length=200, validators=[single_line])
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("by"), null=True, blank=True, validators=PLAUSIBLE_DATE)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False)
    outcome = models.TextField(_("follow-up"), blank=True)
    history = tracked()
    municipality_path = "meeting__municipality"

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("decided measure")
        verbose_name_plural = _("decided measures")

    def __str__(self) -> str:
        return self.title


@history_log.register
class TertialAnalysis(InMunicipality, Versioned):
    """The analysis of a tertial's picture (January–April, May–August, September–
    December). Attached to a lägesbild, its numbers are frozen in ``snapshot``."""

    municipality = municipality_field("est_tertial_analyses")
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    tertial = models.PositiveSmallIntegerField(
        _("tertial"),
        choices=[(1, _("January–April")), (2, _("May–August")), (3, _("September–December"))],
    )
    summary = models.TextField(_("summary"), blank=True)
    picture = models.ForeignKey(
        SituationalPicture,
        verbose_name=_("lägesbild"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: the numbers as they were when attached (never recomputed)
    snapshot = models.JSONField(_("numbers when attached"), null=True, blank=True, editable=False)
    attached_at = models.DateTimeField(_("attached"), null=True, blank=True, editable=False)
    history = tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["-year", "-tertial"]
        verbose_name = _("tertial analysis")
        verbose_name_plural = _("tertial analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "tertial"],
                name="est_tertial_unique",
                violation_error_message=_("The tertial already has an analysis."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} T{self.tertial}"
