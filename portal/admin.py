from __future__ import annotations

from functools import cached_property
from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent, audit_clinical_list, audit_clinical_read
from portal.models import Location, PatientProfile, Role, User
from portal.permissions import admin_may_view_clinical
from portal.services import staff_invite


class ClinicalRecordAdmin(admin.ModelAdmin):
    """A clinical record in the admin: read-only for everyone (a superuser included),
    shown only to someone who may read clinical data in the portal (the clinic admin
    and a break-glass superuser see none: portal.permissions.admin_may_view_clinical),
    and every view of it audited: the list writes one row per patient shown, a record
    (or its history) one row. Clinical work is done in the portal, through services."""

    # Where the record's patient is (a field holding a User).
    patient_field = "patient"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_may_view_clinical(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_may_view_clinical(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _action(self, verb: str) -> str:
        return f"admin.{self.model._meta.model_name}.{verb}"

    def _audit_one(self, request: HttpRequest, object_id: str, verb: str) -> None:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            audit_clinical_read(
                request=request,
                action=self._action(verb),
                patient=getattr(obj, self.patient_field),
                obj=obj,
            )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            attname = self.model._meta.get_field(self.patient_field).attname
            audit_clinical_list(
                request=request,
                action=self._action("list"),
                patients=[getattr(row, attname) for row in changelist.result_list],
                object_type=self.model._meta.label,
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._audit_one(request, object_id, "view")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit_one(request, object_id, "history")
        return response


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(BaseAuthenticatorAdmin):
    """Who has enrolled which second factor. The secret is never shown, and no one adds
    or edits one here (only its owner enrols, through the portal); a lost phone's
    authenticator may be removed."""

    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffCreationForm(forms.ModelForm):
    """A new staff account: who they are and their role, never a password. Saving it
    emails them an invitation to set their password and authenticator (portal.services
    .staff_invite); until then the account cannot sign in."""

    role = forms.ChoiceField(
        choices=[(value, label) for value, label in Role.choices if value != Role.PATIENT]
    )

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "clinician_kind", "credential")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        user.is_staff = user.role == Role.CLINIC_ADMIN
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts are created here by a clinic admin (patients sign up themselves),
    without a password: the new member gets an emailed invitation (StaffCreationForm)."""

    add_form = StaffCreationForm
    actions = ["send_invitation"]

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
                "fields": ("email", "full_name", "role", "clinician_kind", "credential"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            staff_invite(user=obj, invited_by=request.user)

    def response_add(self, request: HttpRequest, obj: User, post_url_continue: Any = None) -> Any:
        messages.info(request, f"An invitation is on its way to {obj.email}.")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(
        description="Send a new invitation (the account's password stops working)",
        permissions=["change"],
    )
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset.exclude(role=Role.PATIENT):
            staff_invite(user=user, invited_by=request.user)
            sent += 1
        messages.info(request, f"Invitations sent: {sent} (patients are never invited).")

    # Only a superuser (break-glass, docs/operations.md) grants superuser or groups; the
    # clinic admin's rights come from portal/permissions.py, not from permission rows.
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": _without(options["fields"], "is_superuser", "groups")})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj == request.user and not request.user.is_superuser:
            # Nobody raises their own rights.
            readonly += ["role", "clinician_kind", "credential", "is_staff", "is_active"]
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A patient's account is theirs: changing its email here would let whoever
        # changed it reset the password and read the patient's record.
        if obj is not None and obj.role == Role.PATIENT and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


def _without(fields: Any, *names: str) -> tuple[str, ...]:
    return tuple(field for field in fields if field not in names)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PatientProfile)
class PatientProfileAdmin(admin.ModelAdmin):
    """Read-only for the clinic admin (portal/permissions.py): a patient edits their own."""

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
    # Half Django's default: each row's cells (a person's name, a localised time, the
    # change link) are most of the page's rendering, and the trail is read by narrowing.
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
