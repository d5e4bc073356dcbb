"""load_reference_data: 21 counties, 290 municipalities, 7 police regions, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from councils.models import County, Municipality, PoliceRegion

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_loads_every_row_with_codes_as_strings():
    output = load()
    assert PoliceRegion.objects.count() == 7
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert "290 created" in output

    upplands_vasby = Municipality.objects.get(code="0114")
    assert upplands_vasby.name == "Upplands Väsby"
    assert upplands_vasby.county.code == "01"
    assert upplands_vasby.county.police_region.name == "Stockholm"
    assert County.objects.get(letter_code="O").municipalities.count() == 49  # Västra Götaland
    assert set(PoliceRegion.objects.values_list("name", flat=True)) == {
        "Nord",
        "Mitt",
        "Stockholm",
        "Öst",
        "Väst",
        "Syd",
        "Bergslagen",
    }
    assert County.objects.get(code="09").police_region.name == "Stockholm"  # Gotland


def test_second_run_changes_nothing_and_says_so():
    load()
    before = list(Municipality.objects.order_by("pk").values_list("pk", "code", "name", "county"))
    output = load()
    assert "nothing changed" in output
    assert "0 created, 0 updated, 290 unchanged" in output
    after = list(Municipality.objects.order_by("pk").values_list("pk", "code", "name", "county"))
    assert before == after


def test_a_changed_name_is_put_right():
    load()
    Municipality.objects.filter(code="1480").update(name="Gothenburg")
    output = load()
    assert Municipality.objects.get(code="1480").name == "Göteborg"
    assert "1 updated" in output
