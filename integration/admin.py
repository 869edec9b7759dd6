"""Only the clinic's numbers are edited here. Check-ins and journals are patients' own
clinical writing: they are read in the portal (audited), never browsed in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from integration.models import IntegrationSettings


@admin.register(IntegrationSettings)
class IntegrationSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "closing_reminder_hours_before", "relapse_rise_points")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not IntegrationSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
