"""Factories for scheduling: seeded services by kind, rooms, clinician hours, appointments.

`appointment_booked(...)` goes through the booking service (gate, hours, locks,
reminders); `AppointmentFactory` writes a row directly, for data volume in query-count
tests and for other apps' fixtures that need an appointment without the rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from portal.models import Location, User
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    ContactPreference,
    DayPart,
    PayerKind,
    Room,
    RoomKind,
    Service,
    ServiceKind,
)
from tests.factories import ClinicianFactory, PatientFactory

KIND_FOR_SERVICE = {
    ServiceKind.CONSULTATION: RoomKind.THERAPY_ROOM,
    ServiceKind.IV_INFUSION: RoomKind.INFUSION_CHAIR,
    ServiceKind.BOOSTER: RoomKind.INFUSION_CHAIR,
    ServiceKind.SPRAVATO: RoomKind.SPRAVATO_ROOM,
    ServiceKind.KAP: RoomKind.THERAPY_ROOM,
    ServiceKind.INTEGRATION: RoomKind.TELEHEALTH,
}


def service_of(kind: ServiceKind | str) -> Service:
    """The seeded service of this kind (data migration scheduling 0002)."""
    return Service.objects.filter(kind=kind).order_by("pk").first()


def folsom() -> Location:
    return Location.objects.get(slug="folsom")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.LazyFunction(folsom)
    name = factory.Sequence(lambda n: f"Chair {n + 1}")
    kind = RoomKind.INFUSION_CHAIR


class ClinicianHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicianHours

    clinician = factory.SubFactory(ClinicianFactory)
    location = factory.LazyFunction(folsom)
    weekday = 0
    starts = dt.time(8, 0)
    ends = dt.time(18, 0)


def hours_every_day(
    clinician: User,
    location: Location | None,
    starts: dt.time = dt.time(8),
    ends: dt.time = dt.time(18),
) -> list[ClinicianHours]:
    return [
        ClinicianHoursFactory(
            clinician=clinician, location=location, weekday=d, starts=starts, ends=ends
        )
        for d in range(7)
    ]


def next_local(day_offset: int = 1, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A clinic-local aware time `day_offset` days from today."""
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class AppointmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentRequest

    patient = factory.SubFactory(PatientFactory)
    service = factory.LazyFunction(lambda: service_of(ServiceKind.CONSULTATION))
    preferred_location = factory.LazyFunction(folsom)
    preferred_date_1 = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=2))
    preferred_time_1 = DayPart.MORNING
    preferred_date_2 = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))
    preferred_time_2 = DayPart.ANY
    contact_preference = ContactPreference.EMAIL
    payer_kind = PayerKind.SELF_PAY


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A row written directly (no rules). Make sure times do not clash."""

    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    service = factory.LazyFunction(lambda: service_of(ServiceKind.CONSULTATION))
    location = factory.LazyFunction(folsom)
    clinician = factory.SubFactory(ClinicianFactory)
    room = None
    starts_at = factory.LazyFunction(lambda: next_local(1, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.service.duration)
    blocked = factory.LazyAttribute(
        lambda o: DateTimeTZRange(
            o.starts_at - o.service.buffer_before, o.ends_at + o.service.buffer_after, "[)"
        )
    )
    status = Appointment.Status.SCHEDULED


def appointment_booked(
    *,
    patient: User,
    service: Service | None = None,
    starts_at: dt.datetime | None = None,
    clinician: User | None = None,
    room: Room | None = None,
    location: Location | None = None,
    **extra: Any,
) -> Appointment:
    """Book through `appointment_book`, creating a clinician with hours and a room to fit
    (and, for a telehealth visit, the patient's signed telehealth consent)."""
    from scheduling.services import appointment_book

    service = service or service_of(ServiceKind.CONSULTATION)
    location = None if service.is_telehealth else (location or folsom())
    if clinician is None:
        clinician = ClinicianFactory()
        hours_every_day(clinician, location, dt.time(6), dt.time(22))
    if room is None and not service.is_telehealth:
        room = RoomFactory(location=location, kind=service.room_kind)
    if service.is_telehealth:  # a telehealth visit needs the signed telehealth consent
        from intake.consents import ConsentKind
        from tests.intake.factories import sign_consents

        sign_consents(patient, ConsentKind.TELEHEALTH)
    return appointment_book(
        patient=patient,
        service=service,
        location=location,
        clinician=clinician,
        room=room,
        starts_at=starts_at or next_local(1, 10),
        booked_by=extra.pop("booked_by", None),
        **extra,
    )
