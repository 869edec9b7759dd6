"""Demo data for `make run`: the demo patient waits for an earlier evaluation at Folsom
or Sacramento, mornings, the next four weeks (cancel a matching visit to see an offer).
Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.models import Location, Role, User
from scheduling.models import Service, ServiceKind
from scheduling.waitlist_models import WaitlistEntry


def seed() -> None:
    patient = User.objects.filter(email="patient@demo.clinic", role=Role.PATIENT).first()
    service = Service.objects.filter(kind=ServiceKind.CONSULTATION).order_by("pk").first()
    if patient is None or service is None:
        return
    if WaitlistEntry.objects.filter(patient=patient).exists():
        return
    today = timezone.localdate()
    entry = WaitlistEntry.objects.create(
        patient=patient,
        service=service,
        earliest=today,
        latest=today + dt.timedelta(days=28),
        day_parts=["morning"],
        added_by=patient,
    )
    entry.locations.set(Location.objects.filter(slug__in=["folsom", "sacramento"]))
