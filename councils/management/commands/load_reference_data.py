"""Load the 21 counties, 290 municipalities and 7 police regions shipped in councils/data/.

Idempotent: a second run changes nothing and says so.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from councils.models import County, Municipality, PoliceRegion

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _upsert(model, lookup: dict, values: dict) -> str:
    """Create or update one row; returns "created", "updated" or "unchanged"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return "unchanged"
    for key in changed:
        setattr(obj, key, values[key])
    obj.save(update_fields=changed)
    return "updated"


class Command(BaseCommand):
    help = "Load counties, municipalities and police regions (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        counts: dict[str, dict[str, int]] = {}

        def tally(kind: str, outcome: str) -> None:
            counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})[outcome] += 1

        regions = {}
        region_of_county: dict[str, str] = {}
        for row in _rows("police_regions.csv"):
            tally("police regions", _upsert(PoliceRegion, {"name": row["name"]}, {}))
            regions[row["name"]] = PoliceRegion.objects.get(name=row["name"])
            for code in row["county_codes"].split():
                region_of_county[code] = row["name"]

        counties = {}
        for row in _rows("counties.csv"):
            code = row["county_code"]
            if region_of_county.get(code) != row["police_region"]:
                raise CommandError(
                    f"County {code}: police_region {row['police_region']!r} does not match "
                    f"police_regions.csv ({region_of_county.get(code)!r})."
                )
            values = {
                "letter_code": row["letter_code"],
                "name": row["name"],
                "short_name": row["short_name"],
                "police_region": regions[row["police_region"]],
            }
            tally("counties", _upsert(County, {"code": code}, values))
            counties[code] = County.objects.get(code=code)

        for row in _rows("municipalities.csv"):
            values = {"name": row["name"], "county": counties[row["county_code"]]}
            tally(
                "municipalities", _upsert(Municipality, {"code": row["municipality_code"]}, values)
            )

        changed = False
        for kind, outcome in counts.items():
            changed |= bool(outcome["created"] or outcome["updated"])
            self.stdout.write(
                f"{kind}: {sum(outcome.values())} in the data, {outcome['created']} created, "
                f"{outcome['updated']} updated, {outcome['unchanged']} unchanged"
            )
        if changed:
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Reference data already up to date: nothing changed.")
            )
