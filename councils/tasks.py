"""Celery tasks of the councils app, where Celery looks for them: the invitation e-mail
(``councils.partner_mail``, queued by the partner services)."""

from __future__ import annotations

from councils.partner_mail import send_invitation

__all__ = ["send_invitation"]
