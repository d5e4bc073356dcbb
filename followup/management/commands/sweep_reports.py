"""``manage.py sweep_reports``: PDF renders whose worker died (or that never reached
the queue) are queued again or marked failed. Celery beat runs the same sweep every
five minutes; the embedded default has no beat."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from followup import report_jobs


class Command(BaseCommand):
    help = gettext_lazy("Queue again, or mark failed, the PDF reports whose rendering stalled.")

    def handle(self, *args, **options):
        recovered = report_jobs.recover_stale()
        self.stdout.write(
            f"{len(recovered.requeued)} stalled reports queued again, "
            f"{len(recovered.failed)} marked failed"
        )
