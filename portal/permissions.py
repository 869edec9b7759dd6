"""Who may open what: the one place access is decided. Default deny.

Two questions, answered here and nowhere else:

1. *May this person use this kind of page?* A capability per kind of work, granted to
   roles in `GRANTS`. A capability not listed for a role is denied; an anonymous or
   inactive user has none.
2. *May this person see this object?* A patient sees only objects whose `patient` is
   themselves; any other id is a 404, so guessing ids reveals nothing. Staff see patient
   objects only through a capability.

Views use `@require(Capability.X)` and `access_patient_object(...)`; templates use
`{% if perms_portal.clinical_view %}` through the context processor.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from portal.models import STAFF_ROLES, ClinicianKind, Role

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


class Capability(StrEnum):
    PATIENT_SELF = "patient_self"  # a patient's own pages: intake, requests, course, mood
    SCHEDULE_MANAGE = "schedule_manage"  # work the request queue, confirm, day view actions
    SCHEDULE_VIEW = "schedule_view"  # see appointments, intake status, discharge status
    INTAKE_STATUS_VIEW = "intake_status_view"  # an intake's status, never its answers
    CLINICAL_VIEW = "clinical_view"  # answers, scores, vitals, trends (every read audited)
    CLINICAL_DECIDE = "clinical_decide"  # eligibility decisions, REMS prescriber, courses
    SESSION_CHART = "session_chart"  # chart a dosing session, discharge
    TRENDS_VIEW = "trends_view"  # integration check-ins, mood, shared journal, trends
    INTEGRATION_BOOK = "integration_book"  # book a patient's integration session
    OUTBOX_MONITOR = "outbox_monitor"  # failed notifications
    AUDIT_VIEW = "audit_view"  # read the audit trail
    BILLING_MANAGE = "billing_manage"  # estimates due, payments, refunds (no diagnoses)
    PAPERWORK_VIEW = "paperwork_view"  # signed consents, ID and insurance card (reads audited)


GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.PATIENT_SELF: frozenset({Role.PATIENT}),
    Capability.SCHEDULE_MANAGE: frozenset({Role.FRONT_DESK, Role.CLINIC_ADMIN}),
    Capability.SCHEDULE_VIEW: frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN}),
    Capability.INTAKE_STATUS_VIEW: frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN}),
    Capability.CLINICAL_VIEW: frozenset({Role.CLINICIAN}),
    Capability.CLINICAL_DECIDE: frozenset({Role.CLINICIAN}),
    Capability.SESSION_CHART: frozenset({Role.CLINICIAN}),
    Capability.TRENDS_VIEW: frozenset({Role.CLINICIAN}),
    Capability.INTEGRATION_BOOK: frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN}),
    Capability.OUTBOX_MONITOR: frozenset({Role.FRONT_DESK, Role.CLINIC_ADMIN}),
    Capability.AUDIT_VIEW: frozenset({Role.CLINIC_ADMIN}),
    Capability.BILLING_MANAGE: frozenset({Role.FRONT_DESK, Role.CLINIC_ADMIN}),
    Capability.PAPERWORK_VIEW: frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN}),
}


# A clinician's rights depend on their kind as well as their role: a capability listed
# here is held by a clinician only of one of these kinds (a clinician with no kind holds
# none of them). Only prescribers decide (eligibility, REMS prescriber, courses); nurses
# and prescribers chart doses and so see the intake's contraindications and vitals;
# therapists see what integration work needs (check-ins, mood, shared journal, trends)
# and never the intake's answers, decisions or vitals.
KIND_GRANTS: dict[Capability, frozenset[ClinicianKind]] = {
    Capability.CLINICAL_VIEW: frozenset({ClinicianKind.PRESCRIBER, ClinicianKind.NURSE}),
    Capability.CLINICAL_DECIDE: frozenset({ClinicianKind.PRESCRIBER}),
    Capability.SESSION_CHART: frozenset({ClinicianKind.PRESCRIBER, ClinicianKind.NURSE}),
    Capability.TRENDS_VIEW: frozenset(
        {ClinicianKind.PRESCRIBER, ClinicianKind.NURSE, ClinicianKind.THERAPIST}
    ),
    Capability.INTEGRATION_BOOK: frozenset({ClinicianKind.THERAPIST}),
}


def has_capability(user: Any, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in GRANTS.get(capability, frozenset()):
        return False
    if user.role == Role.CLINICIAN and capability in KIND_GRANTS:
        return user.clinician_kind in KIND_GRANTS[capability]
    return True


def require_capability(user: Any, capability: Capability, message: str) -> None:
    """For services that decide: refuse a user without `capability` (a crafted POST
    reaches the service without passing the view's decorator's intent)."""
    from django.core.exceptions import ValidationError

    if not has_capability(user, capability):
        raise ValidationError(message)


def capabilities_of(user: Any) -> frozenset[Capability]:
    return frozenset(c for c in Capability if has_capability(user, c))


def is_staff_role(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF_ROLES


def staff_mfa_missing(user: Any) -> bool:
    """True when a staff member must enrol TOTP before opening any staff page."""
    if not settings.PORTAL_REQUIRE_STAFF_MFA or not is_staff_role(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def require(*capabilities: Capability) -> Callable[[View], View]:
    """Allow the view to users holding any of `capabilities`.

    Anonymous: redirect to login. Logged in without the capability: 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_capability(request.user, c) for c in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapped

    return decorator


def access_patient_object(
    user: Any,
    queryset: QuerySet[M],
    *,
    staff_capability: Capability | None = None,
    patient_field: str = "patient",
    **lookup: Any,
) -> M:
    """Fetch one patient-owned object, or refuse.

    A patient gets only their own: any other id is a 404 (it may as well not exist).
    Staff get it when they hold `staff_capability`, else 403. The caller audits the
    read when the object is clinical (portal.audit).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if user.role == Role.PATIENT:
        return get_object_or_404(queryset, **{patient_field: user}, **lookup)
    if staff_capability is not None and has_capability(user, staff_capability):
        return get_object_or_404(queryset, **lookup)
    raise PermissionDenied


def patient_objects(
    user: Any, queryset: QuerySet[M], *, patient_field: str = "patient"
) -> QuerySet[M]:
    """A patient's own rows of `queryset`; nothing for anyone else."""
    if getattr(user, "is_authenticated", False) and user.role == Role.PATIENT:
        return queryset.filter(**{patient_field: user})
    return queryset.none()


def ensure_patient(user: Any) -> None:
    """For services acting on a patient's behalf: the user must be an active patient."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.PATIENT:
        raise Http404
