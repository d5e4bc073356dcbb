"""The accessibility statement (tillgänglighetsredogörelse) the law on accessible
public-sector digital services (lag 2018:1937) requires, and the feedback residents send
about what they could not use.

``Statement`` is one row (``singleton``), edited by the operator in the Django admin at
the version the admin showed (a stale save is refused there), with every version kept
in its history. Until the operator saves it, the page shows the defaults below, which
are true for the product as shipped. ``Feedback`` is what a visitor sent through the
form on the page: stored, and e-mailed to the operator once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils import formats, history
from councils.concurrency import Versioned
from councils.dates import PLAUSIBLE_DATE
from councils.validators import single_line

#: the defaults, in Swedish: the statement is published in Swedish (DIGG's model)
DEFAULT_OPERATOR = "Förvaltaren av Samverkan"
DEFAULT_NOT_ACCESSIBLE = """\
PDF-rapporterna (den undertecknade överenskommelsen, medborgarlöftet och \
länssammanställningen) skapas som taggade PDF/A-3a-filer, men de har inte granskats mot \
kraven på tillgängliga dokument (EN 301 549 kapitel 10), till exempel läsordningen i \
tabeller och diagrammens textalternativ. Samma uppgifter finns på webbsidorna.

Diagrammen på länsöversikten och i indikatorerna är bilder (SVG) med en textbeskrivning; \
siffrorna finns i en tabell under varje diagram på länsöversikten.

Exporterna som CSV och XLSX är kalkylark för vidare bearbetning och har inte granskats \
för tillgänglighet.

Administrationsgränssnittet för förvaltare (/admin/) är Djangos standardgränssnitt och \
har inte granskats.

Text som användarna själva skriver, till exempel beskrivningar i medborgarlöften, kan \
sakna rubriker och listor som gör den lätt att överblicka."""
DEFAULT_NOT_COVERED = """\
Statistik från andra källor, till exempel Kolada (RKA) och polisens trygghetsmätning, \
visas som den levereras."""
DEFAULT_ASSESSMENT = """\
Vi har granskat tjänsten själva. Varje ändring av programmet testas automatiskt: \
webbläsartester öppnar sidorna i en webbläsare i mobilbredd (375 pixlar) och datorbredd \
(1 280 pixlar) och kontrollerar dem med verktyget axe-core mot WCAG 2.1 nivå A och AA. \
Testerna kontrollerar också att man kan hoppa direkt till sidans huvudinnehåll med \
tangentbordet. Automatiska verktyg hittar bara en del av bristerna. Någon manuell \
granskning med skärmläsare eller av en extern granskare har inte gjorts för den här \
versionen."""
DEFAULT_CONTACT = """\
Om du inte kan använda något i Samverkan, eller behöver innehållet i en annan form, \
berätta det för oss med formuläret nedan. Skriv gärna vilken sida det gäller."""


class Statement(Versioned):
    """The accessibility statement: one row (``current()`` gives it, or the defaults)."""

    class Conformance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    operator = models.CharField(
        _("who provides the service"),
        max_length=200,
        default=DEFAULT_OPERATOR,
        validators=[single_line],
        help_text=_("The authority or organisation that publishes the service."),
    )
    conformance = models.CharField(
        _("compliance with EN 301 549 (WCAG 2.1 AA)"),
        max_length=20,
        choices=Conformance,
        default=Conformance.PARTIAL,
    )
    not_accessible = models.TextField(
        _("what is not accessible, and why"), default=DEFAULT_NOT_ACCESSIBLE
    )
    not_covered = models.TextField(
        _("content outside the law or a disproportionate burden"),
        blank=True,
        default=DEFAULT_NOT_COVERED,
    )
    assessment = models.TextField(_("how the service was assessed"), default=DEFAULT_ASSESSMENT)
    automated_review_on = models.DateField(
        _("date of the last automated review"),
        null=True,
        blank=True,
        validators=PLAUSIBLE_DATE,
    )
    manual_review_on = models.DateField(
        _("date of the last manual review"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    contact = models.TextField(_("how to report a problem"), default=DEFAULT_CONTACT)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(
        _("contact telephone"), max_length=50, blank=True, validators=[single_line]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history.tracked()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="statement_is_single")
        ]

    def __str__(self) -> str:
        return str(_("Accessibility statement"))

    @property
    def scope_municipality_id(self) -> None:
        """The statement belongs to no municipality (its history records none)."""
        return None

    @classmethod
    def current(cls) -> Statement:
        """The stored statement, or an unsaved one with the defaults."""
        return cls.objects.filter(singleton=True).first() or cls()


class Feedback(models.Model):
    """A problem a visitor reported on the statement's page: kept, and e-mailed to the
    operator once (``emailed_at`` is the claim)."""

    message = models.TextField(_("message"), max_length=5000)
    page = models.CharField(_("where"), max_length=500, blank=True, validators=[single_line])
    email = models.EmailField(_("reply to"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{formats.moment(self.created_at)}: {self.message[:60]}"
