"""The organisation a user acts for in a municipality: recorded on every historical
row (``councils.history``), on comments and on signatures.

The receiver is connected in ``CouncilsConfig.ready``: ``councils.history`` is
imported by the models, so it cannot import ``councils.access`` (which imports them).
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from councils import access


def acting_organisation(user, municipality_id: int | None) -> str:
    """The name of the organisation ``user`` acts for in ``municipality_id``."""
    if user is None or not user.is_authenticated:
        return ""
    organisations = [m.organisation for m in user.memberships.select_related("organisation")]
    for organisation in organisations:
        scope = access.organisation_scope(organisation)
        if municipality_id is not None and scope.filter(pk=municipality_id).exists():
            return organisation.name
    if user.is_superuser:
        return str(_("System administrator"))
    return ", ".join(sorted({o.name for o in organisations}))


@receiver(pre_create_historical_record)
def _record_organisation(sender, instance, history_instance, history_user, **kwargs) -> None:
    if hasattr(history_instance, "history_organisation"):
        history_instance.history_organisation = acting_organisation(
            history_user, getattr(instance, "scope_municipality_id", None)
        )[:200]
