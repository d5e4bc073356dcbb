"""Notification.email: whether a notice is also e-mailed. Comment notices were always
made in the app only (``email=False`` to ``notify``) but the flag was not stored, so
the resend sweep e-mailed them; those not yet e-mailed are marked in-app only here."""

from django.db import migrations, models


def comment_notices_in_app_only(apps, schema_editor):
    Notification = apps.get_model("pledges", "Notification")
    Notification.objects.filter(kind="comment", emailed_at__isnull=True).update(email=False)


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0007_notification_about_agreement'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='email',
            field=models.BooleanField(default=True, verbose_name='also by e-mail'),
        ),
        migrations.RunPython(comment_notices_in_app_only, migrations.RunPython.noop),
    ]
