"""Courses, dosing sessions and REMS forms on the staff patient chart
(portal.extensions.ChartSection), registered by TreatmentsConfig.ready().

Anyone with SCHEDULE_VIEW sees the courses and each session's date and state (what the
desk schedules around); CLINICAL_VIEW adds links to the session charts and the REMS
monitoring forms, and that read is audited. Three queries."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from portal.audit import audit_clinical_read
from portal.extensions import ChartPart, ChartSection, TimelineEvent, register_chart_section
from portal.models import User
from portal.permissions import Capability, has_capability
from treatments.models import Course, DosingSession, RemsMonitoringForm

CHART_ROWS = 30


def treatments_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    viewer = request.user
    if not has_capability(viewer, Capability.SCHEDULE_VIEW):
        return None
    clinical = has_capability(viewer, Capability.CLINICAL_VIEW)
    courses = list(
        Course.objects.filter(patient=patient)
        .select_related("location")
        .order_by("-start_date", "-id")[:CHART_ROWS]
    )
    sessions = list(
        DosingSession.objects.filter(patient=patient)
        .only("id", "course_id", "status", "created_at", "discharged_at", "modality")
        .order_by("-created_at", "-id")[:CHART_ROWS]
    )
    forms: list[RemsMonitoringForm] = []
    if clinical:
        forms = list(
            RemsMonitoringForm.objects.filter(patient=patient).order_by("-due_on", "-id")[
                :CHART_ROWS
            ]
        )
        audit_clinical_read(request=request, action="patient_chart.treatments", patient=patient)
    may_chart = has_capability(viewer, Capability.SESSION_CHART)
    events = [
        TimelineEvent(
            at=session.discharged_at or session.created_at,
            kind="Dosing session",
            text=f"{session.get_modality_display()}: {session.get_status_display()}",
            url=reverse("treatments:session-chart", args=[session.pk]) if may_chart else "",
        )
        for session in sessions
    ]
    events += [
        TimelineEvent(
            at=form.submitted_at,
            kind="REMS form",
            text=f"submitted ({form.confirmation_reference or 'no reference'})",
        )
        for form in forms
        if form.submitted_at
    ]
    return ChartPart(
        template="treatments/_chart_section.html",
        context={
            "courses": courses,
            "sessions": sessions,
            "forms": forms,
            "clinical": clinical,
            "may_chart": may_chart,
            "may_start": has_capability(viewer, Capability.CLINICAL_DECIDE),
            "patient_id": patient.pk,
        },
        events=events,
    )


def register() -> None:
    register_chart_section(ChartSection("treatments", treatments_section, order=40))
