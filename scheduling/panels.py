"""Context of scheduling's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from scheduling import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    return selectors.patient_panel(patient=request.user)


def front_desk_panel(request: HttpRequest) -> dict[str, Any]:
    return {"counts": selectors.request_queue_counts(location_names=selectors.location_names())}
