"""Requests, visits and payer on the staff patient chart (portal.extensions.ChartSection).

Anyone with SCHEDULE_VIEW sees them (no clinical data: a visit's service, time, place
and clinician; the payer from the latest request). Two queries."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from portal.extensions import ChartPart, TimelineEvent
from portal.formats import format_when
from portal.models import User
from portal.permissions import Capability, has_capability
from scheduling.models import Appointment, AppointmentRequest

CHART_ROWS = 30


def scheduling_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    if not has_capability(request.user, Capability.SCHEDULE_VIEW):
        return None
    may_manage = has_capability(request.user, Capability.SCHEDULE_MANAGE)
    requests = list(
        AppointmentRequest.objects.filter(patient=patient)
        .select_related("service", "preferred_location")
        .order_by("-created_at", "-id")[:CHART_ROWS]
    )
    visits = list(
        Appointment.objects.filter(patient=patient)
        .select_related("service", "location", "clinician")
        .order_by("-starts_at", "-id")[:CHART_ROWS]
    )
    events = [
        TimelineEvent(
            at=r.created_at,
            kind="Request",
            text=f"{r.service.name} asked for ({r.get_status_display()})",
            url=reverse("scheduling:request-confirm", args=[r.pk]) if may_manage else "",
        )
        for r in requests
    ] + [
        TimelineEvent(
            at=v.starts_at,
            kind="Visit",
            text=f"{v.service.name} at {v.location.name if v.location else 'telehealth'}"
            f" with {v.clinician.display_name} ({v.get_status_display()})",
        )
        for v in visits
    ]
    latest = requests[0] if requests else None
    now = timezone.now()
    return ChartPart(
        template="scheduling/_chart_section.html",
        context={
            "payer": latest.payer_display if latest else "",
            "requests": requests,
            "visits": visits,
            "may_manage": may_manage,
            "next_visit": next(
                (
                    format_when(v.starts_at)
                    for v in reversed(visits)
                    if v.status == Appointment.Status.SCHEDULED and v.starts_at >= now
                ),
                "",
            ),
        },
        events=events,
    )
