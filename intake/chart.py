"""Intake on the staff patient chart (portal.extensions.ChartSection).

Everyone with INTAKE_STATUS_VIEW sees where the intake stands; a clinician with
CLINICAL_VIEW also sees the scores, the contraindication reasons and the decisions, and
that read is audited."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from intake.models import Intake, IntakeDecision, RemsEnrollment
from intake.selectors import intake_flags, status_label
from intake.selectors import intake_summary_for_patient as summary_of
from portal.audit import audit_clinical_read
from portal.extensions import ChartPart, TimelineEvent
from portal.models import User
from portal.permissions import Capability, has_capability

CHART_DECISIONS = 10


def intake_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    viewer = request.user
    if not has_capability(viewer, Capability.INTAKE_STATUS_VIEW):
        return None
    if not has_capability(viewer, Capability.CLINICAL_VIEW):
        return ChartPart(
            template="intake/_chart_section.html",
            context={"label": status_label(summary_of(patient=patient)), "clinical": False},
        )
    intake = (
        Intake.objects.filter(patient=patient)
        .select_related("patient__patient_profile", "location")
        .order_by("-created_at", "-id")
        .first()
    )
    decisions = (
        list(
            IntakeDecision.objects.filter(patient=patient)
            .select_related("clinician")
            .order_by("-created_at", "-id")[:CHART_DECISIONS]
        )
        if intake is not None
        else []
    )
    rems = RemsEnrollment.objects.filter(patient=patient).first()
    audit_clinical_read(request=request, action="patient_chart.intake", patient=patient, obj=intake)
    events: list[TimelineEvent] = []
    review_url = ""
    if intake is not None:
        review_url = reverse("intake:review-detail", args=[intake.pk])
        if intake.submitted_at:
            events.append(
                TimelineEvent(
                    at=intake.submitted_at,
                    kind="Intake",
                    text="Intake sent" + (" (urgent)" if intake.urgent else ""),
                    url=review_url,
                )
            )
    events += [
        TimelineEvent(
            at=d.created_at,
            kind="Intake decision",
            text=f"{d.get_outcome_display()} by {d.clinician.display_name}",
            url=review_url,
        )
        for d in decisions
    ]
    return ChartPart(
        template="intake/_chart_section.html",
        context={
            "clinical": True,
            "intake": intake,
            "label": status_label(intake) if intake is not None else status_label(None),
            "flags": intake_flags(intake) if intake is not None else [],
            "decisions": decisions,
            "rems": rems,
            "review_url": review_url,
        },
        events=events,
    )
