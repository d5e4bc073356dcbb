"""Import indicator values from Kolada: from a saved JSON answer, or fetched from the API.

    python manage.py import_kolada --file N07403.json
    python manage.py import_kolada --kpi N07403 --municipality 0180 --year 2022 --year 2023

Every value or none: a wrong entry leaves the database as it was and the command
lists what is wrong. Goals measured by the indicators get their latest result.
The API address is the setting KOLADA_BASE_URL or --base-url (default Kolada's).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from councils import access
from councils.models import User
from followup import indicators, kolada


class Command(BaseCommand):
    help = "Import indicator values from Kolada (a saved JSON file, or fetched from its API)."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", help="A saved answer of Kolada's API (v2 JSON).")
        source.add_argument("--kpi", help="The Kolada KPI id to fetch, e.g. N07403.")
        parser.add_argument(
            "--municipality", help="SCB code(s) of the municipality, comma-separated, e.g. 0180."
        )
        parser.add_argument(
            "--year", action="append", type=int, default=[], help="A year; repeat for more."
        )
        parser.add_argument("--base-url", default="", help="Kolada's API address (for tests).")
        parser.add_argument(
            "--timeout", type=float, default=kolada.KOLADA_TIMEOUT, help="Seconds to wait."
        )
        parser.add_argument(
            "--user",
            default="",
            help="Username recorded in the goals' history (default: the first superuser).",
        )

    def _user(self, username: str) -> User:
        users = User.objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None or not access.administers(user):
            raise CommandError(
                "Name an active staff user with --user (or create a superuser first)."
            )
        return user

    def handle(self, *args, **options) -> None:
        user = self._user(options["user"])
        if options["file"]:
            path = Path(options["file"])
            try:
                if path.stat().st_size > indicators.MAX_BYTES:
                    raise CommandError(f"{path} is larger than 2 MB.")
                content: bytes | dict = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path} could not be read: {error}") from error
            name = path.name
        else:
            if not options["municipality"] or not options["year"]:
                raise CommandError("--kpi needs --municipality and at least one --year.")
            try:
                content = kolada.kolada_fetch(
                    kpi=options["kpi"],
                    municipality=options["municipality"],
                    years=options["year"],
                    base_url=options["base_url"],
                    timeout=options["timeout"],
                )
            except kolada.KoladaUnavailable as error:
                raise CommandError(str(error)) from error
            name = f"{options['kpi']}.json"
        try:
            report = indicators.import_kolada(user=user, content=content, name=name)
        except indicators.ImportRefused as refused:
            raise CommandError(str(refused)) from refused
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError("Nothing has been imported.")
        for indicator in report.new_indicators:
            self.stdout.write(f"New indicator: {indicator.name} ({indicator.code})")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} values created, {report.updated} updated, "
                f"{report.skipped} without a value skipped, "
                f"{report.goals_updated} goals given a new latest result."
            )
        )
