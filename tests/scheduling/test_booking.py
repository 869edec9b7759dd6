"""Booking, moving and cancelling appointments: the rules, the locks, the reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import Appointment, RoomKind, ServiceKind
from scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from tests.factories import ClinicianFactory
from tests.scheduling.factories import (
    RoomFactory,
    appointment_booked,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult_setup(clinician):
    hours_every_day(clinician, folsom())
    room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy 1")
    return service_of(ServiceKind.CONSULTATION), clinician, room


def book(setup, *, patient, starts_at, clinician=None, room=None, booked_by=None):
    """Book the consultation of `consult_setup` at Folsom (its clinician and room unless
    the test names others)."""
    service, setup_clinician, setup_room = setup
    return appointment_book(
        patient=patient,
        service=service,
        location=folsom(),
        clinician=clinician or setup_clinician,
        room=room or setup_room,
        starts_at=starts_at,
        booked_by=booked_by,
    )


def test_a_booking_writes_reminders_24h_and_2h_before(patient, consult_setup, front_desk):
    service, _, _ = consult_setup
    starts = next_local(2, 10)
    appt = book(consult_setup, patient=patient, starts_at=starts, booked_by=front_desk)
    reminders = Notification.objects.filter(topic=f"appointment:{appt.pk}").order_by("send_at")
    assert [(n.kind, n.send_at) for n in reminders] == [
        (Kind.APPOINTMENT_REMINDER, starts - dt.timedelta(hours=24)),
        (Kind.APPOINTMENT_REMINDER, starts - dt.timedelta(hours=2)),
    ]
    assert reminders[0].idempotency_key == f"appointment:{appt.pk}:reminder:24h"
    assert set(reminders[0].context) <= {"starts_at", "location", "telehealth", "url", "urgent"}
    assert reminders[0].context["location"] == "Folsom"
    assert appt.blocked.lower == starts - service.buffer_before
    assert appt.blocked.upper == starts + service.duration + service.buffer_after


def test_an_overlapping_booking_of_the_same_room_is_refused_clearly(
    patient, other_patient, consult_setup
):
    book(consult_setup, patient=patient, starts_at=next_local(2, 10))
    other = ClinicianFactory()
    hours_every_day(other, folsom())
    with pytest.raises(ValidationError, match="no longer free"):
        book(consult_setup, patient=other_patient, starts_at=next_local(2, 10, 30), clinician=other)


def test_the_buffer_after_a_visit_blocks_the_next_start(patient, other_patient, consult_setup):
    # The consultation is 60 min with 10 min after it, so the room is busy until 11:10.
    book(consult_setup, patient=patient, starts_at=next_local(2, 10))
    with pytest.raises(ValidationError, match="no longer free"):
        book(consult_setup, patient=other_patient, starts_at=next_local(2, 11, 5))
    ok = book(consult_setup, patient=other_patient, starts_at=next_local(2, 11, 10))
    assert ok.pk


def test_a_raw_sql_insert_of_an_overlapping_appointment_is_refused_by_the_database(
    patient, consult_setup
):
    service, clinician, room = consult_setup
    appt = book(consult_setup, patient=patient, starts_at=next_local(2, 10))
    other = ClinicianFactory()
    sql = """
        INSERT INTO scheduling_appointment
            (created_at, updated_at, patient_id, service_id, location_id, clinician_id, room_id,
             starts_at, ends_at, blocked, status, reschedule_count, cancel_reason,
             cancelled_by_patient, late_cancellation)
        VALUES (now(), now(), %s, %s, %s, %s, %s, %s, %s, tstzrange(%s, %s, '[)'),
                'scheduled', 0, '', false, false)
    """
    starts = appt.starts_at + dt.timedelta(minutes=30)
    ends = starts + dt.timedelta(hours=1)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            sql,
            [patient.pk, service.pk, folsom().pk, other.pk, room.pk, starts, ends, starts, ends],
        )
    assert excinfo.value.__cause__.pgcode == "23P01"
    assert "appointment_room_no_overlap" in str(excinfo.value)
    # The same clinician in another room: the clinician constraint refuses it.
    room2 = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy 2")
    with (
        pytest.raises(IntegrityError, match="appointment_clinician_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(
            sql,
            [
                patient.pk,
                service.pk,
                folsom().pk,
                clinician.pk,
                room2.pk,
                starts,
                ends,
                starts,
                ends,
            ],
        )
    # A cancelled appointment frees its time.
    appointment_cancel(appointment=appt, by=patient)
    with connection.cursor() as cur:
        cur.execute(
            sql,
            [patient.pk, service.pk, folsom().pk, other.pk, room.pk, starts, ends, starts, ends],
        )
    assert Appointment.objects.filter(status="scheduled").count() == 1


def test_booking_outside_the_clinicians_hours_is_refused(patient, consult_setup):
    with pytest.raises(ValidationError, match="does not work"):
        book(consult_setup, patient=patient, starts_at=next_local(2, 17, 30))


def test_a_room_of_the_wrong_kind_is_refused(patient, consult_setup):
    chair = RoomFactory(kind=RoomKind.INFUSION_CHAIR)
    with pytest.raises(ValidationError, match="therapy room"):
        book(consult_setup, patient=patient, starts_at=next_local(2, 10), room=chair)


def test_a_time_in_the_past_is_refused(patient, consult_setup):
    with pytest.raises(ValidationError, match="already passed"):
        book(consult_setup, patient=patient, starts_at=next_local(-1, 10))


def test_rescheduling_moves_the_pending_reminders(patient, consult_setup, front_desk):
    service, clinician, room = consult_setup
    appt = appointment_booked(
        patient=patient,
        service=service,
        clinician=clinician,
        room=room,
        starts_at=next_local(3, 10),
    )
    new_start = next_local(5, 14)
    appointment_reschedule(appointment=appt, starts_at=new_start, by=front_desk)
    pending = Notification.objects.filter(topic=f"appointment:{appt.pk}", status="pending")
    assert sorted(n.send_at for n in pending) == [
        new_start - dt.timedelta(hours=24),
        new_start - dt.timedelta(hours=2),
    ]
    assert (
        Notification.objects.filter(topic=f"appointment:{appt.pk}", status="cancelled").count() == 2
    )
    appt.refresh_from_db()
    assert appt.starts_at == new_start


def test_cancelling_cancels_the_reminders_and_a_late_patient_cancellation_is_recorded(
    patient, consult_setup
):
    service, clinician, room = consult_setup
    appt = appointment_booked(
        patient=patient,
        service=service,
        clinician=clinician,
        room=room,
        starts_at=next_local(1, 10),
    )
    with time_machine.travel(appt.starts_at - dt.timedelta(hours=5)):
        appointment_cancel(appointment=appt, by=patient, reason="Feeling unwell")
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CANCELLED
    assert appt.late_cancellation is True
    assert appt.cancelled_by_patient is True
    assert not Notification.objects.filter(
        topic=f"appointment:{appt.pk}", status="pending"
    ).exists()


def test_an_early_cancellation_is_not_late(patient, consult_setup):
    service, clinician, room = consult_setup
    appt = appointment_booked(
        patient=patient,
        service=service,
        clinician=clinician,
        room=room,
        starts_at=next_local(3, 10),
    )
    appointment_cancel(appointment=appt, by=patient)
    appt.refresh_from_db()
    assert appt.late_cancellation is False


def test_status_moves_follow_the_visit(patient, consult_setup, front_desk):
    service, clinician, room = consult_setup
    appt = appointment_booked(
        patient=patient,
        service=service,
        clinician=clinician,
        room=room,
        starts_at=next_local(1, 10),
    )
    with pytest.raises(ValidationError, match="later day"):
        appointment_set_status(appointment=appt, status="checked_in", by=front_desk)
    with time_machine.travel(appt.starts_at - dt.timedelta(minutes=10)):
        appointment_set_status(appointment=appt, status="checked_in", by=front_desk)
        appointment_set_status(appointment=appt, status="completed", by=front_desk)
        with pytest.raises(ValidationError, match="cannot be marked"):
            appointment_set_status(appointment=appt, status="no_show", by=front_desk)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.COMPLETED


def test_a_staff_cancel_without_a_reason_is_refused(patient, consult_setup, front_desk):
    appt = book(consult_setup, patient=patient, starts_at=next_local(3, 10))
    with pytest.raises(ValidationError, match="reason"):
        appointment_cancel(appointment=appt, by=front_desk, reason="   ")
    with pytest.raises(ValidationError, match="cancel page"):
        appointment_set_status(appointment=appt, status="cancelled", by=front_desk)
    appt.refresh_from_db()
    assert appt.status == "scheduled"
    assert not Notification.objects.filter(kind=Kind.APPOINTMENT_CANCELLED).exists()
    done = appointment_cancel(appointment=appt, by=front_desk, reason="Booked in error")
    assert (done.status, done.cancel_reason, done.status_changed_by) == (
        "cancelled",
        "Booked in error",
        front_desk,
    )
    assert Notification.objects.filter(kind=Kind.APPOINTMENT_CANCELLED, recipient=patient).exists()
