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
    MESSAGES_DESK = "messages_desk"  # answer patients' scheduling and paperwork messages
    MESSAGES_CARE = "messages_care"  # answer patients' messages about their care (audited)
    TELEHEALTH_LINK = "telehealth_link"  # attach the video link to a telehealth visit
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
    Capability.MESSAGES_DESK: frozenset({Role.FRONT_DESK}),
    Capability.MESSAGES_CARE: frozenset({Role.CLINICIAN}),
    Capability.PAPERWORK_VIEW: frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN}),
    Capability.TELEHEALTH_LINK: frozenset({Role.FRONT_DESK, Role.CLINICIAN}),
}

# Secure messages (portal/messaging): which capability answers a thread of each topic.
# The front desk never sees a care thread; every clinician kind answers care threads.
MESSAGE_TOPIC_CAPABILITY: dict[str, Capability] = {
    "scheduling": Capability.MESSAGES_DESK,
    "care": Capability.MESSAGES_CARE,
}


def message_topics_for(user: Any) -> list[str]:
    """The thread topics a staff member answers (none for anyone else)."""
    return [t for t, cap in MESSAGE_TOPIC_CAPABILITY.items() if has_capability(user, cap)]


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
    Capability.MESSAGES_CARE: frozenset(
        {ClinicianKind.PRESCRIBER, ClinicianKind.NURSE, ClinicianKind.THERAPIST}
    ),
    Capability.TELEHEALTH_LINK: frozenset(
        {ClinicianKind.PRESCRIBER, ClinicianKind.NURSE, ClinicianKind.THERAPIST}
    ),
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


# --- The Django admin (/admin/) ------------------------------------------------------
#
# The admin is not a side door: what anyone may do there is decided here too. A person
# reaches /admin/ only with `is_staff` (the clinic admin; a break-glass superuser); what
# they may do on each model is this table, read by `AdminRoleBackend` (Django's
# `user.has_perm`) for the clinic admin. Clinic data and staff accounts are theirs to
# manage; a few operational tables are theirs to read; clinical records are not theirs
# at all (ADMIN_CLINICAL_RECORDS below).
ADMIN_ALL = frozenset({"view", "add", "change", "delete"})
ADMIN_VIEW = frozenset({"view"})

ADMIN_CLINIC_ADMIN_ACTIONS: dict[str, frozenset[str]] = {
    # Staff accounts (patients' own accounts are read-only: portal/admin.py) and sites.
    "portal.user": frozenset({"view", "add", "change"}),
    "portal.location": ADMIN_ALL,
    # Clinic data: numbers, rules, services, prices, rooms and hours.
    "intake.screeningsettings": ADMIN_ALL,
    "scheduling.service": ADMIN_ALL,
    "scheduling.room": ADMIN_ALL,
    "scheduling.clinicianhours": ADMIN_ALL,
    "scheduling.payerrule": ADMIN_ALL,
    "scheduling.schedulingsettings": ADMIN_ALL,
    "scheduling.appointmentrequest": ADMIN_ALL,
    "scheduling.billingsettings": ADMIN_ALL,
    "scheduling.clinicholiday": ADMIN_ALL,
    "scheduling.serviceprice": ADMIN_ALL,
    "scheduling.servicepackage": ADMIN_ALL,
    "scheduling.clinicianbillingprofile": ADMIN_ALL,
    "treatments.treatmentsettings": ADMIN_ALL,
    "treatments.protocoltemplate": ADMIN_ALL,
    "treatments.aftercareitem": ADMIN_ALL,
    "integration.integrationsettings": ADMIN_ALL,
    "messaging.messagingsettings": ADMIN_ALL,  # secure messages (portal/messaging)
    "scheduling.locationhours": ADMIN_ALL,
    "scheduling.dosingspacing": ADMIN_ALL,
    "treatments.preparation": ADMIN_ALL,
    # A consent version once signed is read-only there (intake/consent_admin.py).
    "intake.consentdocument": frozenset({"view", "add", "change"}),
    # Read only: the trail, the outbox, visits, who a patient is, sign-in records. An
    # authenticator may be removed (a lost phone) but its secret is never shown.
    "portal.auditevent": ADMIN_VIEW,
    "portal.patientprofile": ADMIN_VIEW,
    "notifications.notification": ADMIN_VIEW,
    "scheduling.appointment": ADMIN_VIEW,
    # The waitlist (scheduling/waitlist_admin.py): read-only, written by the services.
    "scheduling.waitlistentry": ADMIN_VIEW,
    "scheduling.freedslot": ADMIN_VIEW,
    "scheduling.waitlistoffer": ADMIN_VIEW,
    "account.emailaddress": ADMIN_VIEW,
    "mfa.authenticator": frozenset({"view", "delete"}),
}

# Clinical records: answers, scores, decisions, REMS records, alerts, doses, vitals,
# check-ins, mood and journals. In the admin they are read-only for everyone (a
# superuser included: their admin classes refuse add, change and delete), shown only to
# someone who may read clinical data in the portal (`admin_may_view_clinical`), and
# every view of one is audited (portal.admin.ClinicalRecordAdmin). Those not
# registered in the admin are listed too, so registering one later is a decision
# (tests/portal/test_admin_side_door.py checks every registered model is in one list).
ADMIN_CLINICAL_RECORDS: frozenset[str] = frozenset(
    {
        "intake.intake",
        "intake.intakedecision",
        "intake.remsenrollment",
        "notifications.staffalert",
        "treatments.course",
        "treatments.plannedsession",
        "treatments.dosingsession",
        "treatments.remsmonitoringform",
        "treatments.aftercareacknowledgement",
        "treatments.aftercarecheckin",
        "integration.moodcheckin",
        "integration.symptomcheckin",
        "integration.journalentry",
        "scheduling.diagnosiscode",
        # Paperwork and the day before the dose: read in the portal (audited), not here.
        "intake.consentsignature",
        "intake.patientdocument",
        "treatments.escort",
        "treatments.readinesscheck",
        # Secure messages are patients' words (portal/messaging): never in the admin.
        "messaging.messagethread",
        "messaging.message",
        "messaging.threadread",
    }
)


def admin_may(user: Any, model_label: str, action: str) -> bool:
    """May `user` do `action` (view, add, change, delete) on `model_label` in the admin?
    Clinical records: only a viewer who may read clinical data in the portal, and only
    to view. Everything else: the clinic admin's table above (a superuser passes
    Django's own check before this one is asked)."""
    if model_label in ADMIN_CLINICAL_RECORDS:
        return action == "view" and admin_may_view_clinical(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.role != Role.CLINIC_ADMIN:
        return False
    return action in ADMIN_CLINIC_ADMIN_ACTIONS.get(model_label, frozenset())


def admin_may_view_clinical(user: Any) -> bool:
    """Clinical content in the admin: shown to no one who could not read it in the
    portal. The clinic admin (and a break-glass superuser, who is one) sees none."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and user.is_staff
        and has_capability(user, Capability.CLINICAL_VIEW)
    )


class AdminRoleBackend:
    """An authentication backend that authenticates no one and answers Django's
    `user.has_perm("app.action_model")` from `admin_may`, so the admin's permission
    checks come from this module and no one edits permission rows by hand."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label, _, codename = perm.partition(".")
        action, _, model_name = codename.partition("_")
        return admin_may(user_obj, f"{app_label}.{model_name}", action)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        labels = set(ADMIN_CLINIC_ADMIN_ACTIONS) | ADMIN_CLINICAL_RECORDS
        return any(
            admin_may(user_obj, label, "view")
            for label in labels
            if label.partition(".")[0] == app_label
        )
