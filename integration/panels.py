"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest

from integration import selectors


class _WindowCard(NamedTuple):
    """One 'Book your integration therapy' card."""

    ended_day_label: str
    when: str
    is_open: bool
    hours_left: int
    session_id: int


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    panel = selectors.patient_panel(patient=request.user)
    return {
        "checkins": panel.checkins,
        "open_windows": [
            _WindowCard(
                row.ended_day_label,
                row.window.describe(),
                row.is_open,
                row.hours_left,
                row.session_id,
            )
            for row in panel.open_windows
        ],
    }


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": selectors.sessions_needing_integration_count()}
