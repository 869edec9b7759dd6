"""Clinic data and settings of treatments, editable by the clinic admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from treatments.models import AftercareItem, Preparation, ProtocolTemplate, TreatmentSettings


@admin.register(TreatmentSettings)
class TreatmentSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "iv_min_spacing_days",
        "pre_dose_max_systolic",
        "pre_dose_max_diastolic",
        "spravato_observation_minutes",
        "rems_form_days",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not TreatmentSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProtocolTemplate)
class ProtocolTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "modality", "is_active"]
    list_filter = ["modality", "is_active"]


@admin.register(AftercareItem)
class AftercareItemAdmin(admin.ModelAdmin):
    list_display = ["text", "modality", "order", "is_active"]
    list_filter = ["modality", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Preparation)
class PreparationAdmin(admin.ModelAdmin):
    """How to get ready for a dosing visit, per modality (blank: every visit)."""

    list_display = ["text", "modality", "order", "is_active"]
    list_filter = ["modality", "is_active"]
    list_editable = ["order", "is_active"]
