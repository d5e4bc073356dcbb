"""Delete the EST reports past EST_RETENTION_MONTHS (what Celery beat does nightly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from est import services


class Command(BaseCommand):
    help = "Delete incident reports older than EST_RETENTION_MONTHS; their counts stay."

    def handle(self, *args, **options) -> None:
        deleted = services.reports_expire()
        self.stdout.write(f"{deleted} reports deleted.")
