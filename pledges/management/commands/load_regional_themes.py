"""Load the regional themes shipped in pledges/data/regional_themes.csv (idempotent).

The example is Polisregion Stockholm's four required themes (2022–2023); an
administrator adds or changes themes for other regions in the Django admin.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from councils.models import PoliceRegion
from pledges.models import RegionalTheme

DATA = Path(__file__).resolve().parents[2] / "data" / "regional_themes.csv"


class Command(BaseCommand):
    help = "Load the regional themes police regions require (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        created = 0
        with DATA.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                region = PoliceRegion.objects.filter(name=row["police_region"]).first()
                if region is None:
                    raise CommandError(
                        "Load the reference data first: manage.py load_reference_data"
                    )
                _theme, was_created = RegionalTheme.objects.update_or_create(
                    police_region=region,
                    code=row["code"],
                    defaults={
                        "title": row["title"],
                        "description": row["description"],
                        "order": int(row["order"]),
                        "required": True,
                    },
                )
                created += was_created
        self.stdout.write(f"regional themes: {created} created, the rest up to date")
