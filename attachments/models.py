"""Files attached to a council, a meeting, a lägesbild, a problem, an agreement or a
pledge: minutes, the signed scan, appendices.

An attachment belongs to exactly one of them (one foreign key set) and, through it,
to one municipality (kept on the row, so that access, history and lists follow one
path). The file is kept through Django's storage API under a name the code chooses
(``attachments/<year>/<random>``); the name the user's file had is kept only as
cleaned display text. The file itself is left out of the history: a removed
attachment's history keeps its title, kind and name, and the nightly clean-up
(``files.cleanup``) removes the file once no row points at it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, PriorityProblem, SituationalPicture
from councils import dates, formats
from councils import history as history_log
from councils.concurrency import Versioned
from councils.history import tracked
from councils.models import Council, InMunicipality, Meeting, municipality_field
from councils.validators import single_line
from pledges.models import Pledge

#: target field name -> the model an attachment can belong to
TARGETS: dict[str, type[models.Model]] = {
    "council": Council,
    "meeting": Meeting,
    "picture": SituationalPicture,
    "problem": PriorityProblem,
    "agreement": Agreement,
    "pledge": Pledge,
}


def storage_name(instance: Attachment, filename: str) -> str:
    """A name the user never chooses: the year and a random token."""
    return f"attachments/{dates.today().year}/{secrets.token_hex(16)}"


def _target(name: str, model: type[models.Model]) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        verbose_name=model._meta.verbose_name,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        editable=False,
    )


def _one_target() -> Q:
    """Exactly one of the target keys is set."""
    options = Q()
    for name in TARGETS:
        only = Q(**{f"{name}__isnull": False})
        for other in TARGETS:
            if other != name:
                only &= Q(**{f"{other}__isnull": True})
        options |= only
    return options


@history_log.register
class Attachment(InMunicipality, Versioned):
    class Kind(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        SIGNED_ORIGINAL = "signed_original", _("signed original")
        APPENDIX = "appendix", _("appendix")
        OTHER = "other", _("other")

    municipality = municipality_field("attachments", on_delete=models.CASCADE)
    council = _target("council", Council)
    meeting = _target("meeting", Meeting)
    picture = _target("picture", SituationalPicture)
    problem = _target("problem", PriorityProblem)
    agreement = _target("agreement", Agreement)
    pledge = _target("pledge", Pledge)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.APPENDIX)
    file = models.FileField(_("file"), upload_to=storage_name, max_length=255, editable=False)
    #: the name the uploaded file had, cleaned: display text only, never a path
    original_name = models.CharField(
        _("file name"), max_length=120, validators=[single_line], editable=False
    )
    content_type = models.CharField(
        _("content type"), max_length=100, validators=[single_line], editable=False
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    public = models.BooleanField(_("public"), default=False, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    added_at = models.DateTimeField(_("added"), editable=False)
    history = tracked(excluded_fields=["file"])
    municipality_path = "municipality"

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="attachment_one_target"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> models.Model:
        for name in TARGETS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        raise ValueError("An attachment without a target")

    @property
    def target_name(self) -> str:
        return next(name for name in TARGETS if getattr(self, f"{name}_id") is not None)

    @property
    def size_label(self) -> str:
        """The size as officials write it: "340 kB", "2,5 MB"."""
        if self.size < 1024 * 1024:
            return f"{formats.number(max(1, round(self.size / 1024)), 0)} kB"
        return f"{formats.number(self.size / (1024 * 1024), 1)} MB"
