"""Home-page panels: the patient's unread replies; a staff member's inbox counts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.messaging import selectors
from portal.permissions import message_topics_for


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    return {"unread_messages": selectors.unread_for_patient(patient=request.user)}


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    if not message_topics_for(request.user):
        return {"message_counts": None}
    return {"message_counts": selectors.staff_counts(user=request.user)}
