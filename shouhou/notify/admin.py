from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from shouhou.notify.models import MessageTemplate, Notification


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "channel", "subject", "is_active"]
    list_filter = ["channel", "is_active"]
    search_fields = ["code", "subject", "body"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Delivery status for admins: what went out, what is waiting, what failed and why."""

    list_display = [
        "created_at",
        "recipient",
        "channel",
        "template_code",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template_code"]
    search_fields = ["recipient__username", "address", "subject", "message_id"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
