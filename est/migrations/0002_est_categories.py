"""EST's usual categories of incident, shared by every municipality (each may add its own)."""

from django.db import migrations

CATEGORIES = [
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


def seed(apps, schema_editor):
    Category = apps.get_model("est", "Category")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, municipality=None, defaults={"name": name, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("est", "Category").objects.filter(
        municipality=None, code__in=[code for code, _name in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("est", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
