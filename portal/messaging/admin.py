"""Only the reply-time target is the admin's: messages are patients' words, read and
answered in the portal by the staff their topic is routed to, never in the admin."""

from __future__ import annotations

from django.contrib import admin

from portal.messaging.models import MessagingSettings


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reply_target_business_days"]

    def has_add_permission(self, request: object) -> bool:
        return not MessagingSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
