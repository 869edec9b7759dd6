"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from integration import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    panel = selectors.patient_panel(patient=request.user)
    return {"checkins": panel.checkins, "open_windows": panel.open_windows}


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": selectors.sessions_needing_integration_count()}
