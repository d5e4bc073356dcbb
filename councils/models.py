"""Who and where: geography (counties, municipalities, police regions and local
police areas), organisations, people and their memberships.

Codes are SCB's, stored as strings: leading zeros matter ("0114", "01").
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils import dates, formats
from councils import history as history_log
from councils.addresses import FailingAddress
from councils.concurrency import Versioned
from councils.constraints import not_before, within
from councils.dates import PLAUSIBLE_DATE
from councils.partner_kinds import PARTNER_ROLES, partner_kind_field
from councils.validators import logo_image, single_line

county_code_validator = RegexValidator(r"^\d{2}$", _("A county code is two digits."))
municipality_code_validator = RegexValidator(r"^\d{4}$", _("A municipality code is four digits."))


class User(FailingAddress, AbstractUser):
    """A person who signs in, with rights from their memberships (``FailingAddress``)."""

    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[single_line]
    )
    title = models.CharField(_("job title"), max_length=200, blank=True, validators=[single_line])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PoliceRegion(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[single_line])

    class Meta:
        ordering = ["name"]
        verbose_name = _("police region")
        verbose_name_plural = _("police regions")

    def __str__(self) -> str:
        return f"Polisregion {self.name}"


class County(models.Model):
    code = models.CharField(
        _("SCB code"), max_length=2, unique=True, validators=[county_code_validator, single_line]
    )
    letter_code = models.CharField(
        _("letter code"), max_length=2, unique=True, validators=[single_line]
    )
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[single_line])
    short_name = models.CharField(_("short name"), max_length=100, validators=[single_line])
    police_region = models.ForeignKey(
        PoliceRegion,
        verbose_name=_("police region"),
        on_delete=models.PROTECT,
        related_name="counties",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}$"), name="county_code_two_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


#: municipalities whose official name is not "<name> kommun"
IRREGULAR_OFFICIAL_NAMES = {"Falun": "Falu kommun"}


class Municipality(models.Model):
    code = models.CharField(
        _("SCB code"),
        max_length=4,
        unique=True,
        validators=[municipality_code_validator, single_line],
    )
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="municipalities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_four_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def official_name(self) -> str:
        """The name the municipality signs with: "Uppsala kommun", "Region Gotland"
        (Gotland is a municipality with a region's tasks and name); a name that already
        says "kommun" is left as it is."""
        name = self.name.strip()
        if name == "Gotland" or name.startswith("Region "):
            return name if name.startswith("Region ") else f"Region {name}"
        if name.lower().endswith(" kommun"):
            return name
        return IRREGULAR_OFFICIAL_NAMES.get(name, f"{name} kommun")


def municipality_field(related_name: str, *, on_delete=models.PROTECT) -> models.ForeignKey:
    """The foreign key of a record to the municipality it belongs to (``municipality``,
    protected by default: a municipality with records is not deleted)."""
    return models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=on_delete,
        related_name=related_name,
    )


class InMunicipality:
    """A record that belongs to one municipality. The model says once, in
    ``municipality_path``, how its rows reach that municipality (the ORM path, such as
    ``"pledge__municipality"``): ``councils.access`` filters and looks rows up by it, and
    ``scope_municipality_id`` follows it on a row (the history records the organisation
    the user acted for there)."""

    municipality_path: ClassVar[str]

    @property
    def scope_municipality_id(self) -> int:
        *through, last = self.municipality_path.split("__")
        record = self
        for name in through:
            record = getattr(record, name)
        return getattr(record, f"{last}_id")


class LocalPoliceArea(models.Model):
    """Lokalpolisområde. One can cover several municipalities; a big city holds several."""

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    police_region = models.ForeignKey(
        PoliceRegion,
        verbose_name=_("police region"),
        on_delete=models.PROTECT,
        related_name="local_police_areas",
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="local_police_areas"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("local police area")
        verbose_name_plural = _("local police areas")
        constraints = [
            models.UniqueConstraint(fields=["police_region", "name"], name="lpo_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class VulnerableArea(models.Model):
    """An area on the police's list of vulnerable areas (utsatta områden)."""

    class Category(models.TextChoices):
        VULNERABLE = "utsatt", _("vulnerable area")
        RISK = "risk", _("risk area")
        ESPECIALLY_VULNERABLE = "sarskilt_utsatt", _("especially vulnerable area")

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    municipality = municipality_field("vulnerable_areas")
    category = models.CharField(_("category"), max_length=20, choices=Category)
    year_assessed = models.PositiveSmallIntegerField(_("year assessed"))

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("vulnerable area")
        verbose_name_plural = _("vulnerable areas")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "year_assessed"], name="vulnerable_area_unique"
            ),
            within("year_assessed", 2000, 2100, name="vulnerable_area_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()}, {self.year_assessed})"


class Organisation(models.Model):
    """An organisation people belong to. Its kind says what it is linked to."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        POLICE_AREA = "police_area", _("local police area")
        COUNTY_BOARD = "county_board", _("county administrative board")
        NATIONAL = "national", _("national authority")
        PARTNER = "partner", _("partner organisation")

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    partner_kind = partner_kind_field()
    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        help_text=_("For a municipality; for a partner, the municipality it works in."),
    )
    local_police_area = models.OneToOneField(
        LocalPoliceArea,
        verbose_name=_("local police area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
    )
    county = models.OneToOneField(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="county_board",
    )
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[logo_image],
        help_text=_(
            "For a county board: printed on the cover of the county summary. A PNG or SVG "
            "image of at most 512 kB."
        ),
    )
    two_factor_required = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_(
            "Members must log in with a code from an authenticator app as well as their password."
        ),
    )
    history = history_log.tracked()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                name="organisation_link_matches_kind",
                condition=(
                    Q(
                        kind="municipality",
                        municipality__isnull=False,
                        local_police_area__isnull=True,
                        county__isnull=True,
                    )
                    | Q(
                        kind="police_area",
                        municipality__isnull=True,
                        local_police_area__isnull=False,
                        county__isnull=True,
                    )
                    | Q(
                        kind="county_board",
                        municipality__isnull=True,
                        local_police_area__isnull=True,
                        county__isnull=False,
                    )
                    | Q(
                        kind__in=["national", "partner"],
                        municipality__isnull=True,
                        local_police_area__isnull=True,
                        county__isnull=True,
                    )
                ),
                violation_error_message=_(
                    "A municipality is linked to its municipality, a local police area to its "
                    "area and a county board to its county; other kinds are linked to none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_municipality_id(self) -> int | None:
        return self.municipality_id


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("crime-prevention coordinator")
    POLICE_LIAISON = "police_liaison", _("police liaison officer")
    COUNTY_OFFICER = "county_officer", _("county officer")
    READER = "reader", _("reader")
    ORG_ADMIN = "org_admin", _("organisation administrator")
    REPORTER = "reporter", _("reporter")
    CONTACT = "contact", _("contact (responsible for activities)")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.MUNICIPALITY: frozenset({Role.COORDINATOR, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.POLICE_AREA: frozenset({Role.POLICE_LIAISON, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.COUNTY_BOARD: frozenset({Role.COUNTY_OFFICER, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.NATIONAL: frozenset({Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.PARTNER: PARTNER_ROLES,
}


class Membership(models.Model):
    """A user's role in an organisation. A user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = history_log.tracked()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def scope_municipality_id(self) -> int | None:
        return self.organisation.municipality_id

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.organisation_id and self.role:
            allowed = ROLES_BY_KIND[self.organisation.kind]
            if self.role not in allowed:
                raise ValidationError(
                    {
                        "role": _("The role %(role)s does not exist in a %(kind)s.")
                        % {
                            "role": self.get_role_display(),
                            "kind": self.organisation.get_kind_display(),
                        }
                    }
                )


# --- Councils, meetings and the coordination function ------------------------------

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{5,30}$",
    _("Enter a telephone number with digits, spaces and + ( ) - only, e.g. 018-727 00 00."),
)


@history_log.register
class Council(InMunicipality, Versioned):
    """Lokalt brottsförebyggande råd, trygghetsråd, folkhälsoråd, styrgrupp or EST group."""

    class Kind(models.TextChoices):
        CRIME_PREVENTION = "crime_prevention", _("local crime-prevention council")
        SAFETY = "safety", _("safety council")
        PUBLIC_HEALTH = "public_health", _("public health council")
        STEERING_GROUP = "steering_group", _("steering group")
        EST = "est", _("EST group")
        OTHER = "other", _("other")

    municipality = municipality_field("councils")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.CRIME_PREVENTION)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    mandate = models.TextField(
        _("mandate"),
        blank=True,
        help_text=_("What the council may decide, and who gave it that mandate."),
    )
    history = history_log.tracked()
    municipality_path = "municipality"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="council_unique_name",
                violation_error_message=_("The municipality already has a council by that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@history_log.register
class CouncilMember(InMunicipality, Versioned):
    """A person who sits on a council for an organisation, from one date to another."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_seats",
    )
    organisation_name = models.CharField(
        _("other organisation"),
        max_length=200,
        blank=True,
        help_text=_("When the organisation is not in the list, e.g. a housing company."),
        validators=[single_line],
    )
    person_name = models.CharField(_("name"), max_length=200, validators=[single_line])
    role = models.CharField(
        _("role in the council"), max_length=20, choices=Role, default=Role.MEMBER
    )
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    from_date = models.DateField(_("member from"), validators=PLAUSIBLE_DATE)
    to_date = models.DateField(_("member until"), null=True, blank=True, validators=PLAUSIBLE_DATE)
    history = history_log.tracked()
    municipality_path = "council__municipality"

    class Meta:
        ordering = ["person_name", "pk"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            not_before(
                "to_date",
                "from_date",
                optional=("to_date",),
                name="council_member_date_order",
                violation_error_message=_("The membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, organisation_name="")
                    | (Q(organisation__isnull=True) & ~Q(organisation_name=""))
                ),
                name="council_member_one_organisation",
                violation_error_message=_(
                    "Choose the organisation from the list or write its name, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.organisation_display})"

    @property
    def organisation_display(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    def is_current(self, today: date | None = None) -> bool:
        today = today or dates.today()
        return self.to_date is None or self.to_date >= today


@history_log.register
class Meeting(InMunicipality, Versioned):
    """One meeting of a council: its agenda before, its minutes and decisions after."""

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        # A council that has met is part of the record: delete its meetings first.
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    held_on = models.DateField(_("date"), validators=PLAUSIBLE_DATE)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    history = history_log.tracked()
    municipality_path = "council__municipality"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.council.name} {formats.iso(self.held_on)}"

    def is_upcoming(self, today: date | None = None) -> bool:
        return self.held_on >= (today or dates.today())


@history_log.register
class Decision(InMunicipality, Versioned):
    """A decision recorded in a meeting's minutes, numbered in the order it was taken."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.CharField(_("decision"), max_length=500, validators=[single_line])
    order = models.PositiveSmallIntegerField(_("number"), default=1, editable=False)
    history = history_log.tracked()
    municipality_path = "meeting__council__municipality"

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=Q(order__gte=1), name="decision_order_positive"),
        ]

    def __str__(self) -> str:
        return f"§ {self.order} {self.text[:60]}"


@history_log.register
class CoordinationFunction(InMunicipality, Versioned):
    """Samordningsfunktion (Lag 2023:196): who coordinates the crime-prevention work."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="coordination_function",
    )
    name = models.CharField(
        _("person or unit"),
        max_length=200,
        help_text=_("E.g. “Trygghetsenheten, kommunledningskontoret” or a named person."),
        validators=[single_line],
    )
    contact_email = models.EmailField(_("contact e-mail"), max_length=254)
    contact_phone = models.CharField(
        _("contact telephone"), max_length=30, blank=True, validators=[phone_validator, single_line]
    )
    since = models.DateField(_("named since"), validators=PLAUSIBLE_DATE)
    history = history_log.tracked()
    municipality_path = "municipality"

    class Meta:
        verbose_name = _("coordination function")
        verbose_name_plural = _("coordination functions")

    def __str__(self) -> str:
        return self.name


from councils.feeds import CalendarFeed  # noqa: E402, F401 - a model of this app, in its own module
from councils.partners import Invitation, Partnership  # noqa: E402, F401 - the same
