"""Demo data: a reminder due now, so `make run` shows one reach the worker's console."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.models import Location, User
from portal.notifications.kinds import Kind
from portal.notifications.services import notification_schedule, portal_link

DEMO_PATIENT_EMAIL = "patient@demo.clinic"


def seed_demo_reminder() -> None:
    """One reminder a day for the demo patient, due at once (idempotent per day)."""
    patient = User.objects.filter(email=DEMO_PATIENT_EMAIL).first()
    if patient is None:
        return
    location = Location.objects.filter(slug="folsom").first()
    visit = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    notification_schedule(
        recipient=patient,
        kind=Kind.APPOINTMENT_REMINDER,
        send_at=timezone.now(),
        idempotency_key=f"demo:reminder:{timezone.localdate():%Y-%m-%d}",
        context={
            "starts_at": visit.isoformat(),
            "location": location.name if location else "",
            "url": portal_link("/patient/"),
        },
        topic="demo",
    )
