"""Context of intake's home-page panels (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from intake import selectors
from intake.consent_selectors import due_count


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    summary = selectors.intake_summary_for_patient(patient=request.user)
    return {"intake": summary, "percent": summary.percent if summary is not None else None}


def clinician_panel(request: HttpRequest) -> dict[str, Any]:
    awaiting, urgent = selectors.awaiting_review_counts()
    return {"awaiting": awaiting, "urgent": urgent}


def consents_panel(request: HttpRequest) -> dict[str, Any]:
    """The forms the patient still has to sign (a new version counts as unsigned)."""
    return {"due": due_count(patient=request.user)}
