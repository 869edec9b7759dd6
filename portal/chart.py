"""portal's own part of the staff patient chart: the patient's safety alerts (clinical,
so for CLINICAL_VIEW only, and audited). Registered in PortalConfig.ready()."""

from __future__ import annotations

from django.http import HttpRequest

from portal.audit import audit_clinical_read
from portal.extensions import ChartPart, TimelineEvent
from portal.models import User
from portal.notifications.models import StaffAlert
from portal.permissions import Capability, has_capability

CHART_ALERTS = 20


def alerts_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    if not has_capability(request.user, Capability.CLINICAL_VIEW):
        return None
    alerts = list(
        StaffAlert.objects.filter(patient=patient).order_by("-created_at", "-id")[:CHART_ALERTS]
    )
    audit_clinical_read(request=request, action="patient_chart.alerts", patient=patient)
    return ChartPart(
        template="portal/_chart_alerts.html",
        context={"alerts": alerts},
        events=[
            TimelineEvent(
                at=alert.created_at,
                kind="Urgent alert" if alert.urgent else "Alert",
                text=f"{alert.get_kind_display()}: {alert.title}"
                + ("" if alert.resolved_at is None else " (handled)"),
                url=alert.url,
            )
            for alert in alerts
        ],
    )
