"""Secure messages on the staff patient chart: the patient's threads of the topics the
viewer answers (the desk never sees a care thread). Care threads are clinical: audited."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from portal.audit import audit_clinical_read
from portal.extensions import ChartPart, TimelineEvent
from portal.messaging.models import MessageThread, Topic
from portal.models import User
from portal.permissions import message_topics_for

CHART_THREADS = 20


def messages_section(*, request: HttpRequest, patient: User) -> ChartPart | None:
    topics = message_topics_for(request.user)
    if not topics:
        return None
    threads = list(
        MessageThread.objects.filter(patient=patient, topic__in=topics)
        .select_related("handled_by")
        .order_by("-last_message_at", "-id")[:CHART_THREADS]
    )
    if any(t.topic == Topic.CARE for t in threads):
        audit_clinical_read(request=request, action="patient_chart.messages", patient=patient)
    return ChartPart(
        template="messaging/_chart_section.html",
        context={"threads": threads},
        events=[
            TimelineEvent(
                at=t.last_message_at,
                kind="Message",
                text=f"{t.subject} ({t.get_topic_display()}{', closed' if t.is_closed else ''})",
                url=reverse("messaging:staff-thread", args=[t.pk]),
            )
            for t in threads
        ],
    )
