"""Integration on the staff patient chart (portal.extensions.ChartSection): integration
sessions (any staff who see the schedule), and for TRENDS_VIEW the latest check-in
scores, the shared journal entries and the trends link (audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from integration.models import SymptomCheckin
from integration.selectors import journal_entries_shared
from portal.audit import audit_clinical_read
from portal.extensions import ChartPart, TimelineEvent
from portal.models import User
from portal.permissions import Capability, has_capability
from scheduling.models import Appointment, ServiceKind

CHART_ROWS = 20


def integration_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    viewer = request.user
    if not has_capability(viewer, Capability.SCHEDULE_VIEW):
        return None
    sessions = list(
        Appointment.objects.filter(patient=patient, service__kind=ServiceKind.INTEGRATION)
        .select_related("clinician", "location")
        .order_by("-starts_at", "-id")[:CHART_ROWS]
    )
    events = [
        TimelineEvent(
            at=s.starts_at,
            kind="Integration session",
            text=f"with {s.clinician.display_name} ({s.get_status_display()})",
        )
        for s in sessions
    ]
    context: dict[str, Any] = {"sessions": sessions, "trends": False}
    if has_capability(viewer, Capability.TRENDS_VIEW):
        entries = journal_entries_shared(patient=patient, limit=CHART_ROWS)
        checkins = list(
            SymptomCheckin.objects.filter(patient=patient)
            .defer("answers")
            .order_by("-day", "-id")[:CHART_ROWS]
        )
        audit_clinical_read(request=request, action="patient_chart.integration", patient=patient)
        context.update(
            trends=True,
            entries=entries,
            checkins=checkins,
            trends_url=reverse("integration:patient-trends", args=[patient.pk])
            if has_capability(viewer, Capability.CLINICAL_VIEW)
            else "",
        )
        events += [
            TimelineEvent(
                at=e.shared_at or e.created_at,
                kind="Journal (shared)",
                text=e.title or "Untitled entry",
            )
            for e in entries
        ]
        events += [
            TimelineEvent(
                at=c.created_at,
                kind="Check-in",
                text=f"{c.get_instrument_display()} {c.total}",
            )
            for c in checkins
        ]
    return ChartPart(template="integration/_chart_section.html", context=context, events=events)
