from __future__ import annotations

from functools import cached_property

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent
from portal.models import Location, PatientProfile, Role, User


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


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows, so a page of a table of millions never runs COUNT(*).

    The count is a LIMITed subquery: the first pages cost the same at any table size, and
    older history is reached by narrowing (the date filter, search), not page 40,000.
    """

    cap = 5_000

    @cached_property
    def count(self) -> int:
        queryset: QuerySet[AuditEvent] = self.object_list  # type: ignore[assignment]
        return queryset.order_by()[: self.cap].count()


class ActorRoleFilter(admin.SimpleListFilter):
    """The roles come from User.Role: listing them reads nothing (no DISTINCT over the trail)."""

    title = _("actor role")
    parameter_name = "actor_role"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Role.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet:
        value = self.value()
        return queryset.filter(actor_role=value) if value else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only (the database refuses changes too).

    Built for ten million rows: no full count, no DISTINCT for filter choices and no
    date hierarchy (each scans the table); the list walks the (created_at, id) index.
    """

    list_display = [
        "created_at",
        "actor",
        "actor_role",
        "action",
        "patient",
        "object_type",
        "ip_address",
    ]
    list_filter = ["created_at", ActorRoleFilter]
    search_fields = ["actor__email", "patient__email", "action", "object_id"]
    # A user's name reads its patient profile: join both, or each row costs two queries.
    list_select_related = [
        "actor",
        "actor__patient_profile",
        "patient",
        "patient__patient_profile",
    ]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
