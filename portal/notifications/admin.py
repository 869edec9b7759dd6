"""The outbox (read-only for the clinic admin: portal/permissions.py) and staff alerts,
which are clinical records (portal.admin.ClinicalRecordAdmin: never changed or deleted
here; resolved in the portal)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.admin import ClinicalRecordAdmin
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "channel", "send_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient__email", "idempotency_key", "topic"]
    readonly_fields = ["created_at", "updated_at", "sent_at", "attempts", "last_error"]
    raw_id_fields = ["recipient"]

    def get_exclude(self, request: HttpRequest, obj: Notification | None = None) -> Any:
        # A pending invitation's context is its working link: shown to no one here.
        if obj is not None and obj.kind == Kind.STAFF_INVITATION:
            return ["context"]
        return super().get_exclude(request, obj)


@admin.register(StaffAlert)
class StaffAlertAdmin(ClinicalRecordAdmin):
    list_display = ["kind", "title", "urgent", "created_at", "resolved_at"]
    list_filter = ["kind", "urgent"]
