"""The notices of a cooperation agreement: who is told when it goes for signature and
when it is signed. ``agreements`` may not import ``pledges``, so it sends
``agreements.signals`` and ``PledgesConfig.ready`` connects these receivers; the
notices go through ``pledges.notifications.notify`` like a pledge's (in-app, and the
e-mail once the transaction commits, sent at most once).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from agreements import signals
from agreements.models import Agreement
from councils import access
from councils.access import Capability
from councils.models import User
from pledges.models import Notification
from pledges.notifications import notify


def liaisons_of(agreement: Agreement):
    """The police liaisons who may sign the agreement: who holds REVIEW on its
    municipality through one of the local police areas the agreement names."""
    return access.holders(Capability.REVIEW, agreement.municipality_id).filter(
        memberships__organisation__local_police_area__in=list(agreement.signing_police_area_ids())
    )


def coordinators_of(agreement: Agreement):
    return access.holders(Capability.EDIT, agreement.municipality_id)


def on_submitted(sender, *, agreement: Agreement, user: User, **kwargs) -> None:
    """Sent for signature: the police liaisons of its local police areas are told."""
    notify(
        kind=Notification.Kind.AGREEMENT_SUBMITTED,
        agreement=agreement,
        users=[u for u in liaisons_of(agreement) if u.pk != user.pk],
        message=_("%(title)s has been sent for the police's signature.")
        % {"title": agreement.title},
    )


def on_signed(
    sender, *, agreement: Agreement, user: User, party: str, complete: bool, **kwargs
) -> None:
    """A party has signed: the municipality's coordinators are told (not the signer)."""
    if complete:
        message = _("%(title)s is signed by both parties and is now in force.")
    elif party == "police":
        message = _("The police have signed %(title)s. The municipality's signature remains.")
    else:
        message = _("The municipality has signed %(title)s. The police's signature remains.")
    notify(
        kind=Notification.Kind.AGREEMENT_SIGNED,
        agreement=agreement,
        users=[u for u in coordinators_of(agreement) if u.pk != user.pk],
        message=message % {"title": agreement.title},
    )


def connect() -> None:
    signals.agreement_submitted.connect(on_submitted, dispatch_uid="pledges-agreement-submitted")
    signals.agreement_signed.connect(on_signed, dispatch_uid="pledges-agreement-signed")
