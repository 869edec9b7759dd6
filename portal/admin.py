from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from portal.audit import AuditEvent
from portal.models import Location, PatientProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts are created here by a clinic admin (patients sign up themselves)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "role", "clinician_kind", "is_active", "date_joined"]
    list_filter = ["role", "clinician_kind", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "clinician_kind")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "clinician_kind",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PatientProfile)
class PatientProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "legal_name", "preferred_location"]
    search_fields = ["user__email", "legal_name"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only (the database refuses changes too)."""

    list_display = [
        "created_at",
        "actor",
        "actor_role",
        "action",
        "patient",
        "object_type",
        "ip_address",
    ]
    list_filter = ["action", "actor_role"]
    search_fields = ["actor__email", "patient__email", "action", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
