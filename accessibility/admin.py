"""The operator edits the accessibility statement here (one row, at the version the form
showed: ``StatementAdminForm``; every version is kept in its history, listed on the
form) and reads the feedback (read-only: it is what visitors sent)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accessibility.forms import StatementAdminForm
from accessibility.models import Feedback, Statement
from councils import formats
from councils.admin import ReadOnlyAdmin
from councils.concurrency import save_versioned

#: versions listed on the form
VERSIONS_SHOWN = 20


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    form = StatementAdminForm
    readonly_fields = ["current_version", "updated_at", "versions"]
    fieldsets = [
        (None, {"fields": ["operator", "conformance"]}),
        (_("What is not accessible"), {"fields": ["not_accessible", "not_covered"]}),
        (
            _("How it was assessed"),
            {"fields": ["assessment", "automated_review_on", "manual_review_on"]},
        ),
        (_("Reporting a problem"), {"fields": ["contact", "contact_email", "contact_phone"]}),
        (_("Versions"), {"fields": ["version", "current_version", "updated_at", "versions"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form's model fields: the fieldsets' but the read-only ones and the version,
        which the form declares itself (a hidden field, posted back)."""
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in shown if f not in {"version", *self.readonly_fields}]
        return super().get_form(request, obj, change, **kwargs)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not Statement.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        """One statement: the list opens it (or the form for the first)."""
        stored = Statement.objects.first()
        if stored is not None:
            return redirect(reverse("admin:accessibility_statement_change", args=[stored.pk]))
        return redirect(reverse("admin:accessibility_statement_add"))

    def save_model(self, request, obj, form, change) -> None:
        save_versioned(obj, expected_version=form.expected_version, user=request.user)

    @admin.display(description=_("version"))
    def current_version(self, obj: Statement) -> int | str:
        return obj.version if obj.pk else "–"

    @admin.display(description=_("earlier versions"))
    def versions(self, obj: Statement) -> str:
        if obj.pk is None:
            return "–"
        records = obj.history.select_related("history_user").order_by("-history_date")
        return format_html_join(
            "",
            "<p>{}: {} ({})</p>",
            (
                (record.version, formats.moment(record.history_date), record.history_user or "–")
                for record in records[:VERSIONS_SHOWN]
            ),
        )


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "message", "page", "email", "emailed_at"]
    search_fields = ["message", "page", "email"]
