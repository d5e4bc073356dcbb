"""Two-party signing, shared by cooperation agreements and citizen pledges.

A signed document has, for each party ("municipality", "police"),
``<party>_signatory_name``, ``<party>_signatory_title`` and ``<party>_signed_on``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PARTIES = ("municipality", "police")


def record_signature(document, *, party: str, name: str, title: str, signed_on: date) -> bool:
    """Set one party's signature on ``document`` (not saved); True when both have signed."""
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    if getattr(document, f"{party}_signed_on"):
        raise ValidationError(_("This party has already signed."))
    setattr(document, f"{party}_signatory_name", name)
    setattr(document, f"{party}_signatory_title", title)
    setattr(document, f"{party}_signed_on", signed_on)
    return all(getattr(document, f"{p}_signed_on") for p in PARTIES)
