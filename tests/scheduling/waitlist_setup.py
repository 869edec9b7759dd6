"""A cast for waitlist tests: a bookable freed chair at Folsom and patients waiting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portal.models import Location, User
from scheduling.models import Appointment, Room, Service, ServiceKind
from scheduling.waitlist_services import waitlist_join
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.factories import (
    RoomFactory,
    appointment_booked,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)


@dataclass
class Chair:
    service: Service
    location: Location
    clinician: User
    room: Room
    visit: Appointment  # the visit that will be cancelled


def a_chair(kind: ServiceKind = ServiceKind.CONSULTATION, *, day: int = 2, hour: int = 10) -> Chair:
    """A booked visit whose cancellation frees a chair (clinician, room, time)."""
    service = service_of(kind)
    location = folsom()
    clinician = ClinicianFactory()
    hours_every_day(clinician, location, dt.time(6), dt.time(22))
    room = RoomFactory(location=location, kind=service.room_kind)
    visit = appointment_booked(
        patient=PatientFactory(),
        service=service,
        clinician=clinician,
        room=room,
        location=location,
        starts_at=next_local(day, hour),
    )
    return Chair(service=service, location=location, clinician=clinician, room=room, visit=visit)


def waiting(chair: Chair, patient: User | None = None, **changes: Any) -> tuple[User, Any]:
    """A patient on the waitlist for the chair's service at its location, the next weeks."""
    patient = patient or PatientFactory()
    today = timezone.localdate()
    values: dict[str, Any] = {
        "service": chair.service,
        "locations": [chair.location],
        "earliest": today,
        "latest": today + dt.timedelta(days=20),
    }
    values.update(changes)
    entry = waitlist_join(patient=patient, by=patient, **values)
    return patient, entry
