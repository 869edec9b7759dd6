"""`{% load identity %}` then `{% staff_patient row.patient %}`: a patient as staff see
them (portal.identity), linked to their chart when the viewer may open it.

`{% staff_patient patient link=False %}` prints it unlinked (a chart's own heading).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from portal.identity import identity_of
from portal.permissions import Capability, has_capability

register = template.Library()

CHART_CAPABILITY = Capability.SCHEDULE_VIEW


@register.inclusion_tag("portal/_patient_identity.html", takes_context=True)
def staff_patient(context: dict[str, Any], person: Any, link: bool = True) -> dict[str, Any]:
    identity = identity_of(person)
    url = ""
    request = context.get("request")
    viewer = getattr(request, "user", None) or context.get("user")
    if link and identity is not None and has_capability(viewer, CHART_CAPABILITY):
        url = reverse("portal:patient-chart", args=[identity.user_id])
    return {"p": identity, "url": url}
