"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from integration import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    patient = request.user
    return {
        "checkins": selectors.checkin_summary(patient=patient),
        "open_windows": selectors.integration_windows_of(patient=patient),
    }


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": selectors.sessions_needing_integration_count()}
