from django.contrib import admin

from attachments.models import Attachment
from councils.admin import ReadOnlyAdmin


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "municipality", "added_by", "added_at", "public"]
    list_filter = ["kind", "public"]
