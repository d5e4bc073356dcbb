"""``manage.py send_reminders``: the daily reminder job by hand (the embedded default
has no beat). ``--dry-run`` lists what would be recorded and e-mailed."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from councils import formats
from councils.models import User
from followup.reminders import run_daily


class Command(BaseCommand):
    help = gettext_lazy("Find due follow-ups and other reminders, and e-mail the digests.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; change nothing."
        )
        parser.add_argument("--date", help="Run as on this day (YYYY-MM-DD), for testing.")

    def handle(self, *args, dry_run: bool = False, date: str | None = None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        report = run_daily(today=today, dry_run=dry_run)
        if dry_run:
            names = dict(
                User.objects.filter(
                    pk__in={c.user_id for c in report.new} | set(report.digest_user_ids)
                ).values_list("pk", "username")
            )
            for c in report.new:
                self.stdout.write(
                    f"{c.kind}\t{names.get(c.user_id, c.user_id)}\t{c.subject}\t"
                    f"{formats.iso(c.due_date)}\t{c.text}"
                )
            for user_id in report.digest_user_ids:
                self.stdout.write(f"digest\t{names.get(user_id, user_id)}")
        self.stdout.write(str(report))
