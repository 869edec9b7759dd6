"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from integration import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    patient = request.user
    return {
        "mood_today": selectors.mood_today(patient=patient),
        "last_checkins": selectors.last_symptom_checkins(patient=patient),
        "open_windows": selectors.sessions_needing_integration(patient=patient),
    }


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": len(selectors.sessions_needing_integration())}
