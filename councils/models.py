"""Who and where: geography (counties, municipalities, police regions and local
police areas), organisations, people and their memberships.

Codes are SCB's, stored as strings: leading zeros matter ("0114", "01").
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

county_code_validator = RegexValidator(r"^\d{2}$", _("A county code is two digits."))
municipality_code_validator = RegexValidator(r"^\d{4}$", _("A municipality code is four digits."))


class User(AbstractUser):
    """A person who signs in. Their rights come from their memberships."""

    title = models.CharField(_("job title"), max_length=200, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PoliceRegion(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police region")
        verbose_name_plural = _("police regions")

    def __str__(self) -> str:
        return f"Polisregion {self.name}"


class County(models.Model):
    code = models.CharField(
        _("SCB code"), max_length=2, unique=True, validators=[county_code_validator]
    )
    letter_code = models.CharField(_("letter code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=100)
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


class Municipality(models.Model):
    code = models.CharField(
        _("SCB code"), max_length=4, unique=True, validators=[municipality_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
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


class LocalPoliceArea(models.Model):
    """Lokalpolisområde. One can cover several municipalities; a big city holds several."""

    name = models.CharField(_("name"), max_length=150)
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

    name = models.CharField(_("name"), max_length=150)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="vulnerable_areas",
    )
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
            models.CheckConstraint(
                condition=Q(year_assessed__gte=2000, year_assessed__lte=2100),
                name="vulnerable_area_year_range",
            ),
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
        PARTNER = "partner", _("other partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
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


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("crime-prevention coordinator")
    POLICE_LIAISON = "police_liaison", _("police liaison officer")
    COUNTY_OFFICER = "county_officer", _("county officer")
    READER = "reader", _("reader")
    ORG_ADMIN = "org_admin", _("organisation administrator")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.MUNICIPALITY: frozenset({Role.COORDINATOR, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.POLICE_AREA: frozenset({Role.POLICE_LIAISON, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.COUNTY_BOARD: frozenset({Role.COUNTY_OFFICER, Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.NATIONAL: frozenset({Role.READER, Role.ORG_ADMIN}),
    Organisation.Kind.PARTNER: frozenset({Role.READER, Role.ORG_ADMIN}),
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
