"""Admin of the followup app: reminders (with a retry for failed e-mails) and digests."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followup import reminders as job
from followup.models import (
    DigestEmail,
    Indicator,
    Reminder,
    ReminderPreference,
    ReminderSettings,
)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "user",
        "municipality",
        "due_date",
        "emailed_at",
        "failed",
        "send_attempts",
        "read_at",
    ]
    list_filter = ["failed", "kind", ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email", "subject", "text"]
    date_hierarchy = "due_date"
    list_select_related = ["user", "municipality"]
    raw_id_fields = ["user", "municipality"]
    readonly_fields = ["created_at", "emailed_at", "send_attempts", "send_error", "failed"]
    actions = ["retry_sending"]

    @admin.action(description=_("Retry sending the failed e-mails"))
    def retry_sending(self, request, queryset):
        failed = list(queryset.filter(failed=True).values_list("pk", flat=True))
        if not failed:
            self.message_user(
                request, _("None of the chosen reminders has failed."), messages.WARNING
            )
            return
        digests = job.retry_failed(failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder will be sent again (%(digests)d e-mails queued).",
                "%(count)d reminders will be sent again (%(digests)d e-mails queued).",
                len(failed),
            )
            % {"count": len(failed), "digests": len(digests)},
            messages.SUCCESS,
        )


@admin.register(DigestEmail)
class DigestEmailAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "sent_at", "attempts", "error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "day"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "reminders"]
    readonly_fields = ["sent_at", "attempts", "error"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "days_before_follow_up",
        "pledge_deadline_month",
        "pledge_deadline_day",
    ]
    list_select_related = ["organisation"]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Indicator definitions; their values come in through the imports."""

    list_display = ("name", "source", "code", "unit", "lower_is_better")
    list_filter = ("source", "lower_is_better")
    search_fields = ("name", "code")
