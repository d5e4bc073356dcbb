"""Optional two-factor authentication: a code from an authenticator app (TOTP, django-otp).

A user who has confirmed a device gives a code after their password; a member of an
organisation that requires two-factor authentication sets up a device before anything
else. Which of the two a login still owes is decided once, at login, and kept in the
session (``PENDING``); ``councils.middleware.TwoFactorMiddleware`` then lets the user
reach only the pages that settle it. The writes are in ``councils.services``.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.models import Organisation

#: session key: what the login still owes, VERIFY (a code) or ENROL (a device)
PENDING = "two_factor_pending"
VERIFY = "verify"
ENROL = "enrol"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    """The device being set up: created, its code not yet confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def required_for(user) -> bool:
    """Whether one of the user's organisations requires two-factor authentication."""
    return Organisation.objects.filter(memberships__user=user, two_factor_required=True).exists()


def owed_at_login(user) -> str | None:
    if confirmed_device(user) is not None:
        return VERIFY
    if required_for(user):
        return ENROL
    return None


def qr_svg(text: str) -> str:
    """``text`` as a QR code: an SVG element to put in the page (no external service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


@receiver(user_logged_in)
def _remember_what_the_login_owes(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if owed := owed_at_login(user):
        session[PENDING] = owed
    else:
        session.pop(PENDING, None)
