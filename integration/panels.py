"""Context of integration's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest

from integration import selectors
from portal.links import url_for, url_for_ids


class _WindowCard(NamedTuple):
    """One 'Book your integration therapy' card, its strings ready to print."""

    ended_day_label: str
    when: str
    is_open: bool
    hours_left: int
    slots_url: str


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    panel = selectors.patient_panel(patient=request.user)
    slots_url = url_for_ids("integration:slot-list")
    return {
        "checkins": panel.checkins,
        # Resolved once a process (portal.links), not by {% url %} on every visit.
        "mood_url": url_for("integration:mood-edit"),
        "trends_url": url_for("integration:trends"),
        "journal_url": url_for("integration:journal-list"),
        "open_windows": [
            _WindowCard(
                row.ended_day_label,
                row.window.describe(),
                row.is_open,
                row.hours_left,
                slots_url(row.session_id),
            )
            for row in panel.open_windows
        ],
    }


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {"window_count": selectors.sessions_needing_integration_count()}
