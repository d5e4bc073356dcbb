"""Activities whose partner name matches a partner organisation's (case and surrounding
spaces aside) are linked to it; the other names stay as text."""

from django.db import migrations


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def link_partner_names(apps, schema_editor=None) -> int:
    """Link each activity's typed partner name to the partner organisation of that name;
    the number of activities linked. Names without a match (or with two) stay text."""
    Organisation = apps.get_model("councils", "Organisation")
    Activity = apps.get_model("pledges", "Activity")
    by_name: dict[str, list[int]] = {}
    for pk, name in Organisation.objects.filter(kind="partner").values_list("pk", "name"):
        by_name.setdefault(_key(name), []).append(pk)
    linked = 0
    rows = Activity.objects.filter(responsible_organisation__isnull=True).exclude(partner_name="")
    for pk, name in rows.values_list("pk", "partner_name").iterator():
        match = by_name.get(_key(name), [])
        if len(match) == 1:
            Activity.objects.filter(pk=pk).update(
                responsible_organisation_id=match[0], partner_name=""
            )
            linked += 1
    return linked


class Migration(migrations.Migration):
    dependencies = [("pledges", "0009_activity_responsible_organisation")]

    operations = [migrations.RunPython(link_partner_names, migrations.RunPython.noop)]
