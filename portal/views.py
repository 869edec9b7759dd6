"""Role home pages, the patient's profile, and /healthz."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import health
from portal.audit import audit_clinical_read
from portal.extensions import Home, home_panels
from portal.forms import PatientProfileForm
from portal.models import Role
from portal.notifications.models import StaffAlert
from portal.notifications.selectors import staff_alerts_open
from portal.notifications.services import staff_alert_resolve
from portal.permissions import Capability, has_capability, require
from portal.selectors import home_profile
from portal.services import patient_profile_ensure, patient_profile_update


def _panels(request: HttpRequest, home: Home) -> list[dict[str, Any]]:
    return [{"template": panel.template, **panel.context(request)} for panel in home_panels(home)]


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
        patient_profile_update(user=request.user, **form.cleaned_data)
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
