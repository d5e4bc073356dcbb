"""``manage.py send_unsent_notifications``: queue again the notification e-mails that
were never sent (Redis was down when they were made). Celery beat runs the same
sweep every few minutes; the embedded default has no beat."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from pledges import notifications


class Command(BaseCommand):
    help = gettext_lazy("Send the notification e-mails that have not been sent yet.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=notifications.RESEND_DAYS,
            help="Look this many days back (default %(default)s).",
        )

    def handle(self, *args, days: int = notifications.RESEND_DAYS, **options):
        queued = notifications.notifications_resend(days=days)
        self.stdout.write(f"{len(queued)} unsent notification e-mails queued")
