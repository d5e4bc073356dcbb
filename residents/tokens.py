"""The signed links of the e-mails (``django.core.signing``): the confirmation expires
after ``UNCONFIRMED_DAYS``; the unsubscribe link does not (an old digest's link must
still work). A confirmation token fits only the address it was sent to."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core import signing

from residents.models import Follower

UNCONFIRMED_DAYS = 7
CONFIRM_SALT = "residents.confirm"
UNSUBSCRIBE_SALT = "residents.unsubscribe"


def normalised(address: str) -> str:
    return address.strip().lower()


def fingerprint(address: str) -> str:
    return hashlib.sha256(normalised(address).encode()).hexdigest()[:16]


def confirm_token(follower: Follower) -> str:
    return signing.dumps({"f": follower.pk, "a": fingerprint(follower.email)}, salt=CONFIRM_SALT)


def unsubscribe_token(follower: Follower) -> str:
    return signing.dumps({"f": follower.pk}, salt=UNSUBSCRIBE_SALT)


def load(token: str, salt: str, max_age: dt.timedelta | None = None) -> dict | None:
    """The token's value, or None when it is tampered with, expired or malformed."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(value, dict) or type(value.get("f")) is not int:
        return None
    return value
