"""Role home pages, the patient's profile, and /healthz."""

from __future__ import annotations

import logging
from base64 import b64encode
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import health, i18n, search
from portal.audit import audit_clinical_read, audit_record, audit_refused
from portal.extensions import Home, chart_sections, home_panels, patient_links
from portal.forms import InvitationAcceptForm, PatientProfileForm
from portal.models import Role, StaffInvitation
from portal.notifications.models import StaffAlert
from portal.notifications.selectors import staff_alerts_open
from portal.notifications.services import staff_alert_resolve
from portal.permissions import Capability, has_capability, require
from portal.selectors import chart_profile, home_profile, patient_search_page
from portal.services import (
    INVITATION_REFUSED,
    patient_language_set,
    patient_profile_ensure,
    patient_profile_update,
    staff_invitation_accept,
    staff_invitation_for,
)

logger = logging.getLogger(__name__)


def _panels(request: HttpRequest, home: Home) -> list[dict[str, Any]]:
    return [{"template": panel.template, **panel.context(request)} for panel in home_panels(home)]


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher (footer, sign-in and sign-up pages): remembered in a cookie
    for visitors and, for a signed-in patient, on their profile (portal.i18n). Staff
    pages stay English, so a staff member's choice only lasts until their next page."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = redirect(target)
    if language not in i18n.SUPPORTED:
        return response
    if request.user.is_authenticated and request.user.role == Role.PATIENT:
        patient_language_set(user=request.user, language=language)
        i18n.remember(request, language)
    i18n.set_language_cookie(response, language)
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/landing.html")
    destinations = {
        Role.PATIENT: "portal:patient-home",
        Role.FRONT_DESK: "portal:front-desk-home",
        Role.CLINIC_ADMIN: "portal:front-desk-home",
        Role.CLINICIAN: "portal:clinician-home",
    }
    if user.role == Role.CLINICIAN and not has_capability(user, Capability.CLINICAL_VIEW):
        # A therapist's home is the day view: the clinician home lists safety alerts
        # about intakes, which is clinical detail their work does not need.
        return redirect("scheduling:day-view")
    return redirect(destinations[user.role])


@require_GET
@require(Capability.PATIENT_SELF)
def patient_home(request: HttpRequest) -> HttpResponse:
    profile = home_profile(user=request.user)
    if profile is None:  # made at sign-up; an account made in the admin has none yet
        patient_profile_ensure(user=request.user)
        profile = home_profile(user=request.user)
    return render(
        request,
        "portal/patient_home.html",
        {"profile": profile, "panels": _panels(request, "patient")},
    )


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = patient_profile_ensure(user=request.user)
    form = PatientProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = patient_profile_update(user=request.user, **form.cleaned_data)
        i18n.remember(request, profile.language)
        messages.success(request, "Your profile is saved.")
        return redirect("portal:patient-home")
    return render(request, "portal/profile_edit.html", {"form": form})


@require_GET
@require(Capability.SCHEDULE_MANAGE)
def front_desk_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/front_desk_home.html", {"panels": _panels(request, "front_desk")}
    )


@require_GET
@require(Capability.CLINICAL_VIEW)
def clinician_home(request: HttpRequest) -> HttpResponse:
    alerts = list(staff_alerts_open())
    # An alert names a patient and why they need attention (an urgent screen, a relapse
    # signal): clinical data, so each one shown is an audited read.
    for alert in alerts:
        audit_clinical_read(
            request=request, action="staff_alert.list", patient=alert.patient, obj=alert
        )
    return render(
        request,
        "portal/clinician_home.html",
        {"alerts": alerts, "panels": _panels(request, "clinician")},
    )


@require_POST
@require(Capability.CLINICAL_DECIDE)
def staff_alert_resolve_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(StaffAlert, pk=alert_id)
    staff_alert_resolve(alert=alert, by=request.user)
    messages.success(request, "Alert marked as handled.")
    return redirect("portal:clinician-home")


def _links_for(request: HttpRequest, patient_id: int) -> list[tuple[str, str]]:
    """The registered patient links (portal.extensions.PatientLink) the viewer holds."""
    return [
        (link.label, reverse(link.url_name, args=[patient_id]))
        for link in patient_links()
        if has_capability(request.user, link.capability)
    ]


@require_GET
@require(Capability.SCHEDULE_VIEW)
def patient_search(request: HttpRequest) -> HttpResponse:
    """The staff search box: a patient by name, chart number, birth date, phone or
    email. A clinician's search is audited (what kind of query, never who was found:
    the results are names and birth dates, not clinical data)."""
    query = search.parse(request.GET.get("q", ""))
    page = None
    if query.kind != "empty":
        page = patient_search_page(query, page=request.GET.get("page"))
        if request.user.role == Role.CLINICIAN:
            audit_record(actor=request.user, action=f"patient.search.{query.kind}", request=request)
    rows = (
        [(profile, _links_for(request, profile.user_id)) for profile in page.object_list]
        if page is not None
        else []
    )
    return render(
        request,
        "portal/patient_search.html",
        {
            "query": query,
            "q": request.GET.get("q", "")[: search.MAX_QUERY],
            "page": page,
            "rows": rows,
        },
    )


@require_GET
@require(Capability.SCHEDULE_VIEW)
def patient_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient whole, for staff: who they are and how to reach them, then each app's
    section (portal.extensions.ChartSection; each decides what this viewer may see and
    audits its clinical reads), and every dated event as one timeline, newest first."""
    profile = chart_profile(patient_id=patient_id)
    if profile is None:
        raise Http404
    parts = [
        part
        for section in chart_sections()
        if (part := section.build(request=request, patient=profile.user)) is not None
    ]
    timeline = sorted(
        (event for part in parts for event in part.events), key=lambda e: e.at, reverse=True
    )
    return render(
        request,
        "portal/patient_chart.html",
        {
            "profile": profile,
            "patient": profile.user,
            "parts": parts,
            "timeline": timeline,
            "links": _links_for(request, profile.user_id),
        },
    )


@require_GET
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and bots ask for /favicon.ico whatever the page links: no 404 for them."""
    return redirect(static("favicon.svg"), permanent=True)


def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.check_all(connection)
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, drawn from settings alone: the session, the user or the database
    may be what failed, so no context processor runs. Everyone sees the crisis lines
    (the page cannot tell a patient from staff)."""
    html = loader.get_template("500.html").render(
        {
            "clinic_name": settings.PORTAL_CLINIC_NAME,
            "clinic_phone": settings.PORTAL_CLINIC_PHONE,
            "show_crisis_footer": True,
        }
    )
    return HttpResponseServerError(html)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (Django's, in the portal's layout), after recording who was refused
    which page: one audit row naming the user, their role and the path (the log line,
    portal.log_filters, names them too). A failing database does not turn a refusal
    into a 500."""
    try:
        audit_refused(request=request)
    except DatabaseError:
        logger.warning("Could not record a refused page for user=%s", request.user.pk)
    return defaults.permission_denied(request, exception)


def _invitation_secret(request: HttpRequest, invitation: StaffInvitation) -> str:
    """The authenticator secret shown on this invitation's page, kept in the session
    until the form is sent (so a wrong password does not change the QR code)."""
    key = f"portal_invitation_totp:{invitation.pk}"
    secret = request.session.get(key)
    if not secret:
        secret = generate_totp_secret()
        request.session[key] = secret
    return secret


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's invitation: set a password and enrol the authenticator on one
    page; the account is usable only after both. A used, expired or unknown link is
    refused with a page that says so (410 Gone)."""
    invitation = staff_invitation_for(token)
    if invitation is None or not invitation.is_open(timezone.now()):
        return render(
            request, "portal/invitation_refused.html", {"message": INVITATION_REFUSED}, status=410
        )
    secret = _invitation_secret(request, invitation)
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                totp_secret=secret,
                totp_code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password1" if _is_password_error(error) else None, error)
        else:
            request.session.pop(f"portal_invitation_totp:{invitation.pk}", None)
            messages.success(request, "Your account is ready. Sign in with your new password.")
            return redirect("account_login")
    adapter = get_mfa_adapter()
    totp_url = adapter.build_totp_url(invitation.user, secret)
    svg = adapter.build_totp_svg(totp_url)
    return render(
        request,
        "portal/invitation_accept.html",
        {
            "form": form,
            "invitee": invitation.user,
            "secret": secret,
            "qr_data_uri": "data:image/svg+xml;base64," + b64encode(svg.encode()).decode(),
        },
    )


def _is_password_error(error: ValidationError) -> bool:
    return INVITATION_REFUSED not in error.messages
