"""The kinds of partner organisation (housing company, school …): the field of
``councils.models.Organisation`` that says which a partner is, and the roles a partner
organisation has. The partnerships and invitations are in ``councils.partners``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    HOUSING = "housing", _("housing company")
    SCHOOL = "school", _("school")
    RESCUE = "rescue", _("rescue service")
    SECURITY = "security", _("security company")
    TRANSPORT = "transport", _("transport company")
    BUSINESS = "business", _("business or property owner")
    ASSOCIATION = "association", _("association or religious community")
    REGION = "region", _("region (health care)")
    OTHER = "other", _("other")


#: the roles of a partner organisation (``councils.models.Role`` values): reader (the
#: old "other partner"'s), reporter, contact (responsible for activities), administrator
PARTNER_ROLES = frozenset({"reader", "reporter", "contact", "org_admin"})


def partner_kind_field() -> models.CharField:
    return models.CharField(
        _("kind of partner"),
        max_length=20,
        choices=PartnerKind,
        blank=True,
        help_text=_("For a partner organisation: what kind of organisation it is."),
    )
