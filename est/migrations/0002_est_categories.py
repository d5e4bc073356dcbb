"""EST's usual categories of incident, shared by every municipality (each may add its own)."""

from django.db import migrations

from est.usual import put_usual_categories, remove_usual_categories


def seed(apps, schema_editor):
    put_usual_categories(apps.get_model("est", "Category"))


def unseed(apps, schema_editor):
    remove_usual_categories(apps.get_model("est", "Category"))


class Migration(migrations.Migration):
    dependencies = [("est", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
