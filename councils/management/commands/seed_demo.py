"""Create the demo organisations and users (idempotent) and print how to sign in.

Calls ``seed(stdout)`` in every installed app's ``demo`` module, in INSTALLED_APPS
order, so each app adds its own demo data on top of the one below it.

Demo data sends nothing, wherever it is seeded: the e-mails its workflow makes
(submitted, approved …) run in this process into an in-memory mailbox, never through
the broker to a worker, so they are claimed as sent and no sweep sends them later.
With ``DEBUG`` off (a production-shaped set-up) the command refuses to run unless
``--allow-production`` is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from config.celery import app as celery_app
from councils.models import Municipality

#: where the demo's e-mails go: a list in memory, dropped with the process
IN_MEMORY = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@contextmanager
def nothing_sent() -> Iterator[None]:
    """Background tasks run in this process (not queued for a worker, whatever
    REDIS_URL says) and e-mail goes to memory."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(MAILERS=IN_MEMORY):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


class Command(BaseCommand):
    help = "Create demo organisations and users for the embedded default (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off (demo users with a known password).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo creates users with a "
                "known password; add --allow-production if you mean it."
            )
        if not Municipality.objects.exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        with nothing_sent(), transaction.atomic():
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
