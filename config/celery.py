"""The Celery application. Tasks are found in each app's tasks.py.

Without REDIS_URL the settings make every task run eagerly in-process, so the
embedded default works with nothing else running. The beat schedule lives here,
in code; there is one beat scheduler in production (docker-compose.yml).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("samverkan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Filled in by the issues that add periodic work (reminders, stale report checks).
# Crontab times are in CELERY_TIMEZONE (settings.TIME_ZONE, Europe/Stockholm).
app.conf.beat_schedule = {
    "daily-reminders": {
        "task": "followup.daily_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # notification e-mails that could not be queued (Redis was down) are queued again
    "resend-notifications": {
        "task": "pledges.resend_notifications",
        "schedule": crontab(minute="*/10"),
    },
    # accessibility feedback whose e-mail to the operator was never sent
    "resend-accessibility-feedback": {
        "task": "accessibility.resend_feedback",
        "schedule": crontab(minute="*/10"),
    },
    # PDF renders whose worker died are queued again or marked failed
    "sweep-reports": {
        "task": "followup.sweep_reports",
        "schedule": crontab(minute="*/5"),
    },
    # EST reports past EST_RETENTION_MONTHS (their counts stay in the weekly totals)
    "expire-est-reports": {
        "task": "est.expire_reports",
        "schedule": crontab(hour=2, minute=45),
    },
    # files that no record points at any more (and older than files.cleanup.GRACE)
    # residents who follow a municipality: the day's public events, one digest each
    "follower-digests": {
        "task": "residents.daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # addresses never confirmed are deleted after residents.tokens.UNCONFIRMED_DAYS
    "forget-unconfirmed-followers": {
        "task": "residents.forget_unconfirmed",
        "schedule": crontab(hour=3, minute=45),
    },
    "remove-unreferenced-files": {
        "task": "files.remove_unreferenced",
        "schedule": crontab(hour=3, minute=30),
    },
}
