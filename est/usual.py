"""EST's usual categories of incident, shared by every municipality (each may add its own).

One list and one function that puts them in place, for the migration that seeds them
(with its historical model), the demo and the tests (after a transactional test's flush
removed the migration's rows). Idempotent: a category already there keeps its name."""

from __future__ import annotations

from typing import Any

USUAL_CATEGORIES: list[tuple[str, str]] = [
    ("skadegorelse", "Skadegörelse"),
    ("klotter", "Klotter"),
    ("nedskrapning", "Nedskräpning"),
    ("anlagd-brand", "Anlagd brand"),
    ("inbrott", "Inbrott"),
    ("ordningsstorning", "Ordningsstörning"),
    ("narkotika", "Narkotikahandel eller -bruk"),
    ("samlingar", "Otrygghetsskapande samlingar"),
    ("hot-och-vald", "Hot och våld"),
    ("trafik", "Trafik"),
    ("annat", "Annat"),
]


def put_usual_categories(category_model: Any) -> dict[str, Any]:
    """The shared categories, created where missing; by code."""
    shared = {}
    for order, (code, name) in enumerate(USUAL_CATEGORIES, start=1):
        shared[code] = category_model.objects.get_or_create(
            code=code, municipality=None, defaults={"name": name, "order": order}
        )[0]
    return shared


def remove_usual_categories(category_model: Any) -> None:
    category_model.objects.filter(
        municipality=None, code__in=[code for code, _name in USUAL_CATEGORIES]
    ).delete()
