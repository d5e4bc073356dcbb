"""Set each followed-up activity's public status from its follow-ups.

The status residents see is the one of the latest published follow-up. An activity
whose follow-ups are all unpublished shows the plan's status: the status it had
before its first follow-up was recorded (from its history), or "planned" when the
history does not reach back that far. An activity without follow-ups keeps a blank
public status: its status is still the plan's.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Activity = apps.get_model("pledges", "Activity")
    HistoricalActivity = apps.get_model("pledges", "HistoricalActivity")
    FollowUp = apps.get_model("followup", "FollowUp")
    latest_published: dict[int, str] = {}
    first_reported = {}
    for activity_id, status, published, reported_at in FollowUp.objects.order_by(
        "activity_id", "-period_end", "-pk"
    ).values_list("activity_id", "status", "published", "reported_at"):
        if published:
            latest_published.setdefault(activity_id, status)
        if activity_id not in first_reported or reported_at < first_reported[activity_id]:
            first_reported[activity_id] = reported_at
    for activity in Activity.objects.filter(pk__in=list(first_reported)).only("pk"):
        status = latest_published.get(activity.pk)
        if status is None:
            before = (
                HistoricalActivity.objects.filter(
                    id=activity.pk, history_date__lt=first_reported[activity.pk]
                )
                .order_by("-history_date")
                .values_list("status", flat=True)
                .first()
            )
            status = before or "planned"
        Activity.objects.filter(pk=activity.pk).update(public_status=status)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0006_plausible_dates"),
        ("pledges", "0005_activity_public_status"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
