"""One patient, one place: a patient is never booked into two overlapping visits,
whatever the clinician or the room, by the services, the slot finder or raw SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from scheduling.models import Appointment, RoomKind, ServiceKind
from scheduling.selectors import free_slots
from scheduling.services import (
    appointment_book,
    appointment_request_confirm,
    appointment_reschedule,
)
from tests.factories import ClinicianFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db

RAW_INSERT = """
    INSERT INTO scheduling_appointment
        (created_at, updated_at, patient_id, service_id, location_id, clinician_id, room_id,
         starts_at, ends_at, blocked, status, reschedule_count, cancel_reason,
         cancelled_by_patient, late_cancellation)
    VALUES (now(), now(), %s, %s, %s, %s, %s, %s, %s, tstzrange(%s, %s, '[)'),
            'scheduled', 0, '', false, false)
"""


@pytest.fixture
def two_desks():
    """Two clinicians and two rooms: only the patient can make two visits clash."""
    clinicians = [ClinicianFactory(), ClinicianFactory()]
    for clinician in clinicians:
        hours_every_day(clinician, folsom())
    rooms = [
        RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A"),
        RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy B"),
    ]
    return service_of(ServiceKind.CONSULTATION), clinicians, rooms


def _book(setup, n, *, patient, starts_at):
    service, clinicians, rooms = setup
    return appointment_book(
        patient=patient,
        service=service,
        location=folsom(),
        clinician=clinicians[n],
        room=rooms[n],
        starts_at=starts_at,
        booked_by=None,
    )


def test_a_raw_sql_insert_of_an_overlapping_visit_of_one_patient_is_refused(patient, two_desks):
    service, clinicians, rooms = two_desks
    first = _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    starts = first.starts_at + dt.timedelta(minutes=15)
    ends = starts + service.duration
    args = [patient.pk, service.pk, folsom().pk, clinicians[1].pk, rooms[1].pk]
    with (
        pytest.raises(IntegrityError, match="appointment_patient_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(RAW_INSERT, [*args, starts, ends, starts, ends])
    # Back to back (the first visit's buffer after ends at 1:55 PM) is allowed.
    later = first.blocked.upper
    with connection.cursor() as cur:
        cur.execute(
            RAW_INSERT, [*args, later, later + service.duration, later, later + service.duration]
        )
    assert Appointment.objects.filter(patient=patient).count() == 2


def test_booking_a_patient_into_a_second_overlapping_visit_names_the_clash(patient, two_desks):
    _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    with pytest.raises(ValidationError) as excinfo:
        _book(two_desks, 1, patient=patient, starts_at=next_local(2, 13, 0))
    message = " ".join(excinfo.value.messages)
    assert "already has a visit" in message
    assert "12:45 to 1:45 PM" in message


def test_the_patients_buffers_count_toward_the_clash(patient, two_desks):
    # The consultation blocks 12:45-1:55 PM (10 minutes after): 1:50 PM clashes, 1:55 does not.
    _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    with pytest.raises(ValidationError, match="already has a visit"):
        _book(two_desks, 1, patient=patient, starts_at=next_local(2, 13, 50))
    assert _book(two_desks, 1, patient=patient, starts_at=next_local(2, 13, 55)).pk


def test_confirming_a_request_over_the_patients_other_visit_is_refused(
    patient, two_desks, front_desk
):
    service, clinicians, rooms = two_desks
    _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    pending = AppointmentRequestFactory(patient=patient, service=service)
    with pytest.raises(ValidationError, match="already has a visit"):
        appointment_request_confirm(
            request=pending,
            by=front_desk,
            starts_at=next_local(2, 13),
            clinician=clinicians[1],
            room=rooms[1],
        )
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_rescheduling_onto_the_patients_other_visit_is_refused(patient, two_desks, front_desk):
    _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    second = _book(two_desks, 1, patient=patient, starts_at=next_local(2, 16))
    with pytest.raises(ValidationError, match="already has a visit"):
        appointment_reschedule(appointment=second, starts_at=next_local(2, 13), by=front_desk)
    # Moving a visit within its own old time is not a clash with itself.
    moved = appointment_reschedule(
        appointment=second, starts_at=next_local(2, 16, 15), by=front_desk
    )
    assert moved.reschedule_count == 1


def test_the_slot_finder_offers_no_time_overlapping_the_patients_other_visit(
    patient, other_patient, two_desks
):
    service, _clinicians, _rooms = two_desks
    first = _book(two_desks, 0, patient=patient, starts_at=next_local(2, 12, 45))
    day = first.starts_at.date()
    for_patient = free_slots(
        service=service, location=folsom(), start=day, end=day, patient=patient
    )
    for_other = free_slots(
        service=service, location=folsom(), start=day, end=day, patient=other_patient
    )

    def clashes(slot) -> bool:
        lower = slot.starts_at - service.buffer_before
        upper = slot.ends_at + service.buffer_after
        return lower < first.blocked.upper and first.blocked.lower < upper

    assert for_patient
    assert not any(clashes(s) for s in for_patient)
    # Another patient still sees the second clinician's times over that visit.
    assert any(clashes(s) for s in for_other)
