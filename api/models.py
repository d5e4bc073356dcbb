"""API tokens: a person's (or an organisation's) key to ``/api/v1/``.

The secret is shown once, when the token is made; only its SHA-256 digest is kept,
with a short random prefix to find the row. A token acts with its owner's
capabilities (``councils.access``), never more; an organisation token also stays
inside its organisation's municipalities, and a read token never writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils import dates
from councils.models import Organisation
from councils.validators import single_line


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope, default=Scope.READ)
    prefix = models.CharField(
        _("prefix"), max_length=16, unique=True, editable=False, validators=[single_line]
    )
    digest = models.CharField(_("digest"), max_length=64, editable=False, validators=[single_line])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    last_used_from = models.GenericIPAddressField(
        _("last used from"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < dates.today()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired
