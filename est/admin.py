from django.contrib import admin

from councils.admin import ReadOnlyAdmin
from est.models import Category, EstMeeting, Place, Report, TertialAnalysis


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ("name", "area", "municipality", "vulnerable", "active")
    list_filter = ("vulnerable", "active")
    search_fields = ("name", "area", "municipality__name")


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("name", "municipality", "order")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "municipality", "place", "category", "count", "organisation")
    list_select_related = ("municipality", "place", "category", "organisation")


@admin.register(EstMeeting)
class EstMeetingAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "municipality")


@admin.register(TertialAnalysis)
class TertialAnalysisAdmin(ReadOnlyAdmin):
    list_display = ("year", "tertial", "municipality", "attached_at")
