"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest
from django.urls import reverse

from integration import selectors


class _WindowCard(NamedTuple):
    """One 'Book your integration therapy' card, its strings ready to print."""

    ended_day_label: str
    when: str
    is_open: bool
    hours_left: int
    slots_url: str


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    panel = selectors.patient_panel(patient=request.user)
    return {
        "checkins": panel.checkins,
        # Reversed here rather than by {% url %} in the template: half the price each.
        "mood_url": reverse("integration:mood-edit"),
        "trends_url": reverse("integration:trends"),
        "journal_url": reverse("integration:journal-list"),
        "open_windows": [
            _WindowCard(
                row.ended_day_label,
                row.window.describe(),
                row.is_open,
                row.hours_left,
                reverse("integration:slot-list", args=[row.session_id]),
            )
            for row in panel.open_windows
        ],
    }


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": selectors.sessions_needing_integration_count()}
