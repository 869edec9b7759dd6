"""The waitlist in the admin: read-only. Entries, freed slots and offers are written by
the portal's services (a claim books through every booking rule), never by hand; how
long an offer stays open is on Scheduling settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from scheduling.waitlist_models import FreedSlot, WaitlistEntry, WaitlistOffer


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(_ReadOnly):
    list_display = ("pk", "patient", "service", "earliest", "latest", "is_active", "created_at")
    list_filter = ("is_active", "service")
    list_select_related = ("patient", "service")


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    fields = ("patient", "status", "expires_at", "decided_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FreedSlot)
class FreedSlotAdmin(_ReadOnly):
    list_display = ("pk", "starts_at", "location", "service", "status", "booked")
    list_filter = ("status", "location")
    list_select_related = ("location", "service", "booked")
    inlines = (WaitlistOfferInline,)


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(_ReadOnly):
    list_display = ("pk", "slot", "patient", "status", "expires_at")
    list_filter = ("status",)
    list_select_related = ("slot", "patient")
