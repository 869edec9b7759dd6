"""A visit booked without its request (the desk books directly, a course's series, a
session placed by hand) answers the patient's oldest waiting request for that visit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scheduling.models import AppointmentRequest, RoomKind
from scheduling.services import appointment_book
from tests.factories import ClinicianFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult_room(clinician):
    hours_every_day(clinician, folsom())
    return RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A")


def book_consult(patient, clinician, room, by, *, day: int = 4):
    return appointment_book(
        patient=patient,
        service=service_of("consultation"),
        location=folsom(),
        clinician=clinician,
        room=room,
        starts_at=next_local(day, 10),
        booked_by=by,
    )


def pending(request: AppointmentRequest) -> bool:
    request.refresh_from_db()
    return request.status == AppointmentRequest.Status.PENDING


def test_a_single_booking_answers_the_oldest_waiting_request_for_the_service(
    patient, clinician, consult_room, front_desk
):
    older = AppointmentRequestFactory(patient=patient)
    newer = AppointmentRequestFactory(patient=patient)
    visit = book_consult(patient, clinician, consult_room, front_desk)
    assert not pending(older)
    assert older.decided_by == front_desk
    assert older.decided_at is not None
    assert visit.request == older
    assert pending(newer)


def test_requests_for_another_service_or_patient_or_a_move_are_left_waiting(
    patient, other_patient, clinician, consult_room, front_desk
):
    kap = AppointmentRequestFactory(patient=patient, service=service_of("kap"))
    theirs = AppointmentRequestFactory(patient=other_patient)
    booked = AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(6, 10))
    move = AppointmentRequestFactory(patient=patient, reschedule_of=booked, payer_kind="")
    visit = book_consult(patient, clinician, consult_room, front_desk)
    assert visit.request is None
    assert all(pending(r) for r in (kap, theirs, move))


def test_a_confirmed_request_books_only_itself(patient, clinician, consult_room, front_desk):
    """Confirming one request at the desk does not also answer the patient's next one."""
    from scheduling.services import appointment_request_confirm

    first = AppointmentRequestFactory(patient=patient)
    second = AppointmentRequestFactory(patient=patient)
    appointment_request_confirm(
        request=first,
        by=front_desk,
        starts_at=next_local(4, 10),
        clinician=clinician,
        room=consult_room,
    )
    assert not pending(first)
    assert pending(second)


def test_a_refused_booking_answers_nothing(patient, consult_room, front_desk):
    asked = AppointmentRequestFactory(patient=patient)
    stranger = ClinicianFactory()  # works no hours at Folsom
    with pytest.raises(ValidationError, match="does not work"):
        book_consult(patient, stranger, consult_room, front_desk)
    assert pending(asked)
