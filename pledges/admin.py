from django.contrib import admin

from councils import background
from pledges.emails import send_notification_email
from pledges.models import Activity, Notification, Pledge, RegionalTheme


@admin.register(RegionalTheme)
class RegionalThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "police_region", "required", "order")
    list_filter = ("police_region", "required")
    search_fields = ("title", "code")


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    """Read-mostly: pledges are edited in the app, where versions and rules apply."""

    list_display = ("title", "municipality", "period_start", "status")
    list_filter = ("status",)
    search_fields = ("title", "municipality__name")
    list_select_related = ("municipality",)
    readonly_fields = [f.name for f in Pledge._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "pledge", "responsible_party", "status")
    list_filter = ("status", "responsible_party")
    search_fields = ("title", "pledge__title")
    list_select_related = ("pledge",)
    readonly_fields = [f.name for f in Activity._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "pledge", "created_at", "emailed_at", "email_error")
    list_filter = ("kind",)
    search_fields = ("user__username", "pledge__title")
    list_select_related = ("user", "pledge")
    actions = ["send_again"]

    @admin.action(description="Skicka e-post igen för de markerade som inte har skickats")
    def send_again(self, request, queryset):
        for notification in queryset.filter(emailed_at__isnull=True):
            background.enqueue(send_notification_email, notification.pk)
