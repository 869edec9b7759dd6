"""Clinic data (screening thresholds) and a read-mostly view of intakes for the admin."""

from __future__ import annotations

from django.contrib import admin

from intake.models import Intake, IntakeDecision, RemsEnrollment, ScreeningSettings


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "systolic_limit", "diastolic_limit", "minimum_age", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return not ScreeningSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["id", "patient", "status", "urgent", "location", "submitted_at"]
    list_filter = ["status", "urgent", "location"]
    search_fields = ["patient__email"]
    raw_id_fields = ["patient"]
    readonly_fields = ["answers", "drafts", "steps_done", "created_at", "updated_at"]


@admin.register(IntakeDecision)
class IntakeDecisionAdmin(admin.ModelAdmin):
    list_display = ["intake", "outcome", "clinician", "created_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["intake", "patient", "clinician"]


@admin.register(RemsEnrollment)
class RemsEnrollmentAdmin(admin.ModelAdmin):
    list_display = ["patient", "enrollment_reference", "enrolled_on", "prescriber"]
    raw_id_fields = ["patient", "prescriber", "recorded_by"]


from intake import consent_admin  # noqa: E402, F401 (registers the consent documents)
