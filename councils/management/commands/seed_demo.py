"""Create the demo organisations and users (idempotent) and print how to sign in.

Calls ``seed(stdout)`` in every installed app's ``demo`` module, in INSTALLED_APPS
order, so each app adds its own demo data on top of the one below it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from councils.models import Municipality


class Command(BaseCommand):
    help = "Create demo organisations and users for the embedded default (idempotent)."

    def handle(self, *args, **options) -> None:
        if not Municipality.objects.exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        # The demo's own notices (submitted, approved …) are kept in memory, not
        # printed: the console would bury the list of demo users.
        quiet = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=quiet), transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready: http://127.0.0.1:8000/"))
        self.stdout.write(
            "Without Celery beat, the periodic jobs run by hand: manage.py send_reminders "
            "(daily), send_unsent_notifications and sweep_reports (after Redis or a worker "
            "was down)."
        )
