from django.contrib import admin

from councils import background
from councils.admin import ReadOnlyAdmin
from pledges.emails import send_notification_email
from pledges.models import Activity, Notification, Pledge, RegionalTheme


@admin.register(RegionalTheme)
class RegionalThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "police_region", "required", "order")
    list_filter = ("police_region", "required")
    search_fields = ("title", "code")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("title", "municipality", "period_start", "status")
    list_filter = ("status",)
    search_fields = ("title", "municipality__name")
    list_select_related = ("municipality",)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "pledge", "responsible_party", "status")
    list_filter = ("status", "responsible_party")
    search_fields = ("title", "pledge__title")
    list_select_related = ("pledge",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "kind",
        "pledge",
        "agreement",
        "created_at",
        "emailed_at",
        "email_error",
    )
    list_filter = ("kind",)
    search_fields = ("user__username", "pledge__title", "agreement__title")
    list_select_related = ("user", "pledge", "agreement")
    actions = ["send_again"]

    @admin.action(description="Skicka e-post igen för de markerade som inte har skickats")
    def send_again(self, request, queryset):
        for notification in queryset.filter(emailed_at__isnull=True):
            background.enqueue(send_notification_email, notification.pk)
