"""E-mail addresses that fail for good.

An SMTP server that answers 5xx to a recipient (550 "no such user", 553 "mailbox name
not allowed") will answer the same tomorrow: the e-mail tasks mark such a send failed
at once instead of retrying it, and record the address here as failing. Until the
person (or their organisation's administrator) says it works again, or the address
changes, nothing more is sent to it: the notification sweep and the reminder digests
leave it out. A temporary failure (4xx, a connection refused, a timeout) is retried
as before.

The record is three fields on the user (``FailingAddress``): which address failed,
since when, and the server's last answer. The address is part of the record, so a
changed e-mail address is no longer failing, wherever it was changed.
"""

from __future__ import annotations

import smtplib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: the longest server answer kept
MAX_ANSWER = 500


class FailingAddress(models.Model):
    """The fields of ``councils.models.User`` that say its e-mail address fails."""

    email_failed_address = models.EmailField(_("failing e-mail address"), blank=True)
    email_failed_at = models.DateTimeField(_("e-mail failing since"), null=True, blank=True)
    email_failure = models.TextField(_("the e-mail server's answer"), blank=True)

    class Meta:
        abstract = True

    @property
    def email_failing(self) -> bool:
        """The current address is the one that failed for good."""
        return bool(self.email) and self.email_failed_address == self.email


def failing(prefix: str = "") -> Q:
    """Rows whose user's current address fails for good (``prefix``: the path to the
    user, e.g. ``"user__"``)."""
    return Q(**{f"{prefix}email_failed_address": F(f"{prefix}email")}) & ~Q(
        **{f"{prefix}email": ""}
    )


def _code_and_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()[:MAX_ANSWER]


def permanent(error: BaseException) -> str | None:
    """The server's answer when ``error`` says the address fails for good (every
    recipient refused with 5xx, or the message refused with 5xx after its one
    recipient was accepted); None when the failure may pass (4xx, the network, our
    own sender or log-in refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        if answers and all(code >= 500 for code, _text in answers):
            return described(error)[:MAX_ANSWER]
        return None
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return _code_and_text(error.smtp_code, error.smtp_error)
    return None


def described(error: BaseException) -> str:
    """``error`` as the server said it ("450 4.2.1 Mailbox busy"), for the record."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return "; ".join(_code_and_text(code, text) for code, text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return _code_and_text(error.smtp_code, error.smtp_error)
    return str(error) or error.__class__.__name__


class InvalidAddress(ValueError):
    """The address cannot be sent to at all: it fails for good without a send."""


def require_valid(address: str) -> None:
    """Raise ``InvalidAddress`` unless ``address`` is a valid e-mail address (before a
    send, so that it fails as a 5xx answer would)."""
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidAddress(_("The address is not a valid e-mail address.")) from None


def for_good(error: BaseException) -> str | None:
    """What to record when a send failed with ``error`` and the address fails for good
    (``permanent``, or an ``InvalidAddress``); None when it may pass and is retried."""
    if isinstance(error, InvalidAddress):
        return str(error)
    return permanent(error)


def address_failed(*, user_id: int, address: str, answer: str) -> None:
    """Record that ``address`` of the user fails for good, with the server's answer;
    the first failure's time is kept. Nothing is recorded when the user's address has
    changed since the send."""
    users = get_user_model().objects.filter(pk=user_id, email=address)
    users.exclude(email_failed_address=address).update(
        email_failed_address=address, email_failed_at=timezone.now()
    )
    users.update(email_failure=answer[:MAX_ANSWER])


def address_cleared(*, user) -> None:
    """The user's address works again (the person or their administrator says so)."""
    get_user_model().objects.filter(pk=user.pk).update(
        email_failed_address="", email_failed_at=None, email_failure=""
    )
    user.email_failed_address, user.email_failed_at, user.email_failure = "", None, ""
