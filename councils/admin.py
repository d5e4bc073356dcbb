from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from councils import services
from councils.models import (
    County,
    LocalPoliceArea,
    Membership,
    Municipality,
    Organisation,
    PoliceRegion,
    User,
    VulnerableArea,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only admin for a model edited in the app, where versions and rules apply:
    staff may look, but nothing is added, changed or deleted here. A versioned record
    is changed and deleted only in the app, at the version the user saw (a change or
    delete here would bypass the version check and the services' rules).
    tests/test_admin_versions_gate.py fails for an admin of a versioned model that
    does not refuse them."""

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [field.name for field in self.model._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ("title",)}),
    )
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.sessions_end(user=obj)


@admin.register(PoliceRegion)
class PoliceRegionAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "letter_code", "name", "police_region")
    list_filter = ("police_region",)
    search_fields = ("name", "code")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county")
    list_filter = ("county",)
    search_fields = ("name", "code")
    list_select_related = ("county",)


@admin.register(LocalPoliceArea)
class LocalPoliceAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "police_region")
    list_filter = ("police_region",)
    search_fields = ("name",)
    filter_horizontal = ("municipalities",)
    list_select_related = ("police_region",)


@admin.register(VulnerableArea)
class VulnerableAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "category", "year_assessed")
    list_filter = ("category", "year_assessed")
    search_fields = ("name", "municipality__name")
    autocomplete_fields = ("municipality",)
    list_select_related = ("municipality",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "local_police_area", "county")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("municipality", "local_police_area", "county")
    inlines = [OrganisationMembershipInline]
    list_select_related = ("municipality", "local_police_area", "county")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__last_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")
