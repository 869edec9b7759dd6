"""Booking a series, or placing one session, answers the patient's waiting request for
that visit: the request leaves "Waiting" in the desk's queue, on the staff chart and on
the patient's page, in the booking's own transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import Appointment, AppointmentRequest
from tests.scheduling.factories import AppointmentRequestFactory, service_of
from tests.treatments.conftest import PACIFIC
from tests.treatments.factories import course_started
from treatments import services

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 3, 3)


def iv_request(patient, **kwargs) -> AppointmentRequest:
    return AppointmentRequestFactory(
        patient=patient,
        service=service_of("iv_infusion"),
        preferred_date_1=TUESDAY,
        preferred_date_2=TUESDAY + dt.timedelta(days=1),
        **kwargs,
    )


def test_booking_the_series_answers_the_waiting_iv_request(
    patient, clinician, front_desk, infusion_chair, monday, location, client_for
):
    asked = iv_request(patient)
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert outcome.placed
    asked.refresh_from_db()
    assert asked.status == AppointmentRequest.Status.CONFIRMED
    assert asked.decided_by == front_desk
    # The request is linked to the first dose of the series.
    first = course.planned.get(sequence=1).appointment
    assert list(asked.appointments.all()) == [first]
    # One message for the series, none for the request on top of it.
    assert Notification.objects.filter(recipient=patient, kind=Kind.REQUEST_CONFIRMED).count() == 1

    # The desk's queue no longer lists it as waiting; the patient's page says confirmed.
    queue = client_for(front_desk).get(reverse("scheduling:request-queue"))
    assert asked.pk not in [row.pk for row in queue.context["rows"]]
    page = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    card = page[page.index(f'data-testid="request-{asked.pk}"') :]
    assert "Confirmed" in card[:1200]
    assert "Waiting for the office" not in card[:1200]


def test_the_series_leaves_requests_for_other_visits_and_moves_waiting(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    kap = AppointmentRequestFactory(patient=patient, service=service_of("kap"))
    someone_else = iv_request(AppointmentRequestFactory().patient)
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    for untouched in (kap, someone_else):
        untouched.refresh_from_db()
        assert untouched.status == AppointmentRequest.Status.PENDING


def test_each_booked_dose_answers_one_waiting_request_oldest_first(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    older = iv_request(patient)
    newer = iv_request(patient)
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == AppointmentRequest.Status.CONFIRMED
    # The second dose answers the second request: each asked-for visit is booked.
    assert newer.status == AppointmentRequest.Status.CONFIRMED
    assert older.appointments.get() != newer.appointments.get()


def test_placing_one_session_by_hand_answers_the_request(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    asked = iv_request(patient)
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    first = course.planned.filter(kind="dosing").order_by("sequence").first()
    starts = dt.datetime.combine(TUESDAY, dt.time(9), tzinfo=PACIFIC)
    appointment = services.planned_session_place(
        planned=first,
        by=front_desk,
        starts_at=starts,
        clinician=clinician,
        room=infusion_chair,
        location=location,
    )
    asked.refresh_from_db()
    assert asked.status == AppointmentRequest.Status.CONFIRMED
    assert appointment.request_id == asked.pk


def test_a_refused_booking_leaves_the_request_waiting(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    asked = iv_request(patient)
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    first = course.planned.filter(kind="dosing").order_by("sequence").first()
    night = dt.datetime.combine(TUESDAY, dt.time(3), tzinfo=PACIFIC)
    with pytest.raises(ValidationError):
        services.planned_session_place(
            planned=first,
            by=front_desk,
            starts_at=night,
            clinician=clinician,
            room=infusion_chair,
            location=location,
        )
    asked.refresh_from_db()
    assert asked.status == AppointmentRequest.Status.PENDING
    assert not Appointment.objects.filter(patient=patient).exists()
