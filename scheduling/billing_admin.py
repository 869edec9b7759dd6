"""Billing's clinic data in the admin: prices (history kept), packages, holidays, the
billing settings, clinicians' NPIs. Estimates, charges and payments are read-only here:
the portal's services write them, so every figure stays reproducible."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from scheduling.billing_models import (
    BillingSettings,
    ClinicHoliday,
    ClinicianBillingProfile,
    ServicePackage,
    ServicePrice,
)


@admin.register(ServicePrice)
class ServicePriceAdmin(admin.ModelAdmin):
    list_display = ("service", "effective_from", "amount_cents", "service_codes")
    list_filter = ("service",)
    ordering = ("service__name", "-effective_from")

    def _in_force_or_past(self, obj: ServicePrice | None) -> bool:
        return obj is not None and obj.effective_from <= timezone.localdate()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A price that has been in force is history: change it by adding a new row.
        if self._in_force_or_past(obj):
            return ("service", "effective_from", "amount_cents", "service_codes")
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._in_force_or_past(obj) and super().has_delete_permission(request, obj)


@admin.register(ServicePackage)
class ServicePackageAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "service",
        "visits",
        "amount_cents",
        "effective_from",
        "effective_until",
    )


@admin.register(ClinicHoliday)
class ClinicHolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name")


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not BillingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClinicianBillingProfile)
class ClinicianBillingProfileAdmin(admin.ModelAdmin):
    list_display = ("clinician", "npi", "credentials")
