"""``manage.py send_follower_digests``: the followers' daily job by hand (the embedded
default has no beat): delete the addresses never confirmed, record the public events
and e-mail the day's digests."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from residents import digests, services


class Command(BaseCommand):
    help = gettext_lazy(
        "Delete unconfirmed followers, and e-mail followers the day's public events."
    )

    def handle(self, *args, **options):
        deleted = services.forget_unconfirmed()
        self.stdout.write(f"{deleted} unconfirmed addresses deleted; {digests.run_daily()}")
