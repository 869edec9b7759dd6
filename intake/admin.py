"""Clinic data (screening thresholds) in the admin. Intakes, decisions and REMS
enrolments are clinical records: read-only, shown only to someone who may read them in
the portal (never the clinic admin), every view audited (portal.admin.ClinicalRecordAdmin).
Statuses, decisions and enrolments are made in the portal, through intake.services."""

from __future__ import annotations

from django.contrib import admin

from intake.models import Intake, IntakeDecision, RemsEnrollment, ScreeningSettings
from portal.admin import ClinicalRecordAdmin


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "systolic_limit", "diastolic_limit", "minimum_age", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return not ScreeningSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(ClinicalRecordAdmin):
    list_display = ["id", "patient", "status", "urgent", "location", "submitted_at"]
    list_filter = ["status", "urgent", "location"]
    list_select_related = ["patient", "patient__patient_profile", "location"]
    search_fields = ["patient__email"]


@admin.register(IntakeDecision)
class IntakeDecisionAdmin(ClinicalRecordAdmin):
    list_display = ["intake", "outcome", "clinician", "created_at"]
    list_filter = ["outcome"]
    list_select_related = ["intake", "clinician"]


@admin.register(RemsEnrollment)
class RemsEnrollmentAdmin(ClinicalRecordAdmin):
    list_display = ["patient", "enrollment_reference", "enrolled_on", "prescriber"]
    list_select_related = ["patient", "patient__patient_profile", "prescriber"]


from intake import consent_admin  # noqa: E402, F401 (registers the consent documents)
