"""Clinic data in the admin: services, rooms, hours, payer rules, settings.

Requests and appointments are shown read-only: they are made through the portal's
services, which apply the payer rule, the dosing gate and the double-booking locks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portal.models import ClinicianKind
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    DosingSpacing,
    LocationHours,
    PayerRule,
    Room,
    SchedulingSettings,
    Service,
)
from scheduling.services import payer_check


class ServiceAdminForm(forms.ModelForm):
    # Tick boxes instead of the array's comma-separated text.
    clinician_kinds = forms.TypedMultipleChoiceField(
        choices=ClinicianKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Who may deliver this service: the slot finder offers only these "
        "clinicians and booking refuses others.",
    )

    class Meta:
        model = Service
        fields = (
            "name",
            "kind",
            "modality",
            "duration_minutes",
            "room_kind",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "locations",
            "clinician_kinds",
            "is_active",
        )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = (
        "name",
        "kind",
        "modality",
        "duration_minutes",
        "room_kind",
        "clinician_kinds",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    filter_horizontal = ("locations",)


@admin.register(LocationHours)
class LocationHoursAdmin(admin.ModelAdmin):
    list_display = ("location", "weekday", "opens", "closes")
    list_filter = ("location", "weekday")


@admin.register(DosingSpacing)
class DosingSpacingAdmin(admin.ModelAdmin):
    list_display = ("modality", "min_hours_between", "is_dissociative")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "kind", "is_active")
    list_filter = ("location", "kind")


@admin.register(ClinicianHours)
class ClinicianHoursAdmin(admin.ModelAdmin):
    list_display = ("clinician", "weekday", "starts", "ends", "location")
    list_filter = ("location", "weekday")


@admin.register(PayerRule)
class PayerRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "not_accepted_from", "is_active")


@admin.register(SchedulingSettings)
class SchedulingSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SchedulingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppointmentRequestAdminForm(forms.ModelForm):
    class Meta:
        model = AppointmentRequest
        fields = (
            "patient",
            "service",
            "preferred_location",
            "preferred_date_1",
            "preferred_time_1",
            "preferred_date_2",
            "preferred_time_2",
            "preferred_date_3",
            "preferred_time_3",
            "contact_preference",
            "payer_kind",
            "plan_name",
            "pays_privately",
            "note",
            "status",
            "reschedule_of",
            "decline_reason",
            "decided_by",
            "decided_at",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The payer rule holds here too: no path creates a refused request.
        if data.get("payer_kind"):
            try:
                payer_check(
                    payer_kind=data["payer_kind"],
                    plan_name=data.get("plan_name", ""),
                    pays_privately=bool(data.get("pays_privately")),
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(admin.ModelAdmin):
    form = AppointmentRequestAdminForm
    list_display = ("id", "patient", "service", "preferred_location", "status", "created_at")
    list_filter = ("status", "preferred_location", "service")
    list_select_related = ("patient", "service", "preferred_location")
    raw_id_fields = ("patient", "reschedule_of", "decided_by")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("id", "starts_at", "location", "room", "clinician", "service", "status")
    list_filter = ("status", "location")
    list_select_related = ("location", "room", "clinician", "service")
    date_hierarchy = "starts_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Billing's admin pages live in their own module; registering them here keeps one
# autodiscovered admin module per app.
import scheduling.billing_admin  # noqa: E402, F401
from scheduling import waitlist_admin  # noqa: E402, F401 (registers the waitlist's admin)
