"""Many desks racing for one chair: exactly one booking, a clear "no longer free" for
every other, no deadlock and no 500. Real PostgreSQL, one connection per thread,
outside a test transaction (so the rows really commit)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from scheduling.forms import slot_value
from scheduling.models import Appointment, AppointmentRequest, RoomKind, ServiceKind
from scheduling.services import appointment_request_confirm
from tests.conftest import enrol_totp
from tests.factories import ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]

ATTEMPTS = 200
# PostgreSQL allows 100 connections, shared with other test runs: 200 attempts go
# through 32 threads, each with its own connection, all released together by a barrier.
THREADS = 32


def race(jobs: list[Any], work: Any) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(THREADS)

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for index in range(offset, len(jobs), THREADS):
                try:
                    results[index] = work(jobs[index])
                except Exception as exc:  # the test inspects every failure
                    results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


@pytest.fixture
def chair_race() -> dict[str, Any]:
    service = service_of(ServiceKind.CONSULTATION)
    # Consultations need a therapy room; the race is over one room, four clinicians.
    room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="The only room")
    clinicians = [ClinicianFactory() for _ in range(4)]
    for clinician in clinicians:
        hours_every_day(clinician, folsom())
    desk = FrontDeskFactory()
    enrol_totp(desk)
    requests = [
        AppointmentRequestFactory(patient=PatientFactory(), service=service)
        for _ in range(ATTEMPTS)
    ]
    return {"room": room, "clinicians": clinicians, "desk": desk, "requests": requests}


def test_200_concurrent_confirmations_on_one_chair_book_exactly_one(chair_race) -> None:
    room, clinicians, desk = chair_race["room"], chair_race["clinicians"], chair_race["desk"]
    base = next_local(2, 10)
    jobs = [
        {
            "request": request,
            # Every start within 50 minutes of 10:00: each overlaps every other (60 min).
            "starts_at": base.replace(minute=(i % 11) * 5),
            "clinician": clinicians[i % len(clinicians)],
        }
        for i, request in enumerate(chair_race["requests"])
    ]

    def confirm(job: dict[str, Any]) -> str:
        appointment_request_confirm(
            request=job["request"],
            by=desk,
            starts_at=job["starts_at"],
            clinician=job["clinician"],
            room=room,
        )
        return "booked"

    results = race(jobs, confirm)

    booked = [r for r in results if r == "booked"]
    refused = [r for r in results if isinstance(r, ValidationError)]
    other = [r for r in results if r != "booked" and not isinstance(r, ValidationError)]
    assert other == [], f"unexpected errors (deadlock or crash): {Counter(map(repr, other))}"
    assert len(booked) == 1
    assert len(refused) == ATTEMPTS - 1
    assert all("no longer free" in " ".join(e.messages) for e in refused)
    assert Appointment.objects.filter(room=room).count() == 1
    assert AppointmentRequest.objects.filter(status="confirmed").count() == 1
    assert AppointmentRequest.objects.filter(status="pending").count() == ATTEMPTS - 1


def test_concurrent_confirm_posts_never_500(chair_race) -> None:
    room, clinicians, desk = chair_race["room"], chair_race["clinicians"], chair_race["desk"]
    starts_at = next_local(2, 10)
    jobs = [
        (request, slot_value(starts_at, clinicians[i % 4].pk, room.pk))
        for i, request in enumerate(chair_race["requests"][:64])
    ]

    def post(job: tuple[AppointmentRequest, str]) -> int:
        client = Client()
        client.force_login(desk)
        response = client.post(f"/scheduling/desk/requests/{job[0].pk}/", {"slot": job[1]})
        if response.status_code == 200:
            assert "no longer free" in response.content.decode()
        return response.status_code

    statuses = race(jobs, post)
    assert all(isinstance(s, int) for s in statuses), statuses
    assert Counter(statuses) == {302: 1, 200: 63}
    assert Appointment.objects.count() == 1


@pytest.fixture
def patient_race() -> dict[str, Any]:
    """One patient's many overlapping requests, each to be confirmed with its own
    clinician and room: only the patient can make them clash."""
    service = service_of(ServiceKind.CONSULTATION)
    rooms = [RoomFactory(kind=RoomKind.THERAPY_ROOM, name=f"Room {n}") for n in range(8)]
    clinicians = [ClinicianFactory() for _ in range(8)]
    for clinician in clinicians:
        hours_every_day(clinician, folsom())
    desk = FrontDeskFactory()
    enrol_totp(desk)
    patient = PatientFactory()
    requests = [
        AppointmentRequestFactory(patient=patient, service=service) for _ in range(ATTEMPTS)
    ]
    return {"rooms": rooms, "clinicians": clinicians, "desk": desk, "requests": requests}


def test_200_concurrent_confirmations_of_one_patient_book_exactly_one(patient_race) -> None:
    rooms, clinicians, desk = (
        patient_race["rooms"],
        patient_race["clinicians"],
        patient_race["desk"],
    )
    base = next_local(2, 10)
    jobs = [
        {
            "request": request,
            "starts_at": base.replace(minute=(i % 11) * 5),
            # Pairs (clinician n, room n): eight visits would fit without the patient rule.
            "clinician": clinicians[i % 8],
            "room": rooms[i % 8],
        }
        for i, request in enumerate(patient_race["requests"])
    ]

    def confirm(job: dict[str, Any]) -> str:
        appointment_request_confirm(
            request=job["request"],
            by=desk,
            starts_at=job["starts_at"],
            clinician=job["clinician"],
            room=job["room"],
        )
        return "booked"

    results = race(jobs, confirm)

    booked = [r for r in results if r == "booked"]
    refused = [r for r in results if isinstance(r, ValidationError)]
    other = [r for r in results if r != "booked" and not isinstance(r, ValidationError)]
    assert other == [], f"unexpected errors (deadlock or crash): {Counter(map(repr, other))}"
    assert len(booked) == 1
    assert len(refused) == ATTEMPTS - 1
    assert all(
        "already has a visit" in " ".join(e.messages) or "no longer free" in " ".join(e.messages)
        for e in refused
    )
    assert Appointment.objects.count() == 1
    assert AppointmentRequest.objects.filter(status="confirmed").count() == 1


def test_concurrent_confirm_posts_for_one_patient_never_500(patient_race) -> None:
    rooms, clinicians, desk = (
        patient_race["rooms"],
        patient_race["clinicians"],
        patient_race["desk"],
    )
    starts_at = next_local(2, 10)
    jobs = [
        (request, slot_value(starts_at, clinicians[i % 8].pk, rooms[i % 8].pk))
        for i, request in enumerate(patient_race["requests"][:64])
    ]

    def post(job: tuple[AppointmentRequest, str]) -> int:
        client = Client()
        client.force_login(desk)
        response = client.post(f"/scheduling/desk/requests/{job[0].pk}/", {"slot": job[1]})
        return response.status_code

    statuses = race(jobs, post)
    assert all(isinstance(s, int) for s in statuses), statuses
    assert Counter(statuses) == {302: 1, 200: 63}
    assert Appointment.objects.count() == 1


@pytest.fixture
def dose_race() -> dict[str, Any]:
    """One patient's many IV requests at times that do not overlap (8:00 to 16:00, two
    hours apart), each with its own nurse and chair: nothing in the database refuses a
    second; only the one-dose-a-day rule, checked under the patient's row lock."""
    from intake.modalities import Modality
    from tests.intake.factories import approve_patient

    service = service_of(ServiceKind.IV_INFUSION)
    chairs = [RoomFactory(kind=RoomKind.INFUSION_CHAIR, name=f"Chair {n}") for n in range(8)]
    nurses = [ClinicianFactory(clinician_kind="nurse", credential="RN") for _ in range(8)]
    for nurse in nurses:
        hours_every_day(nurse, folsom(), starts=dt.time(7), ends=dt.time(19))
    desk = FrontDeskFactory()
    enrol_totp(desk)
    patient = PatientFactory()
    approve_patient(patient, Modality.IV, clinician=ClinicianFactory())
    requests = [
        AppointmentRequestFactory(patient=patient, service=service) for _ in range(ATTEMPTS)
    ]
    return {"chairs": chairs, "nurses": nurses, "desk": desk, "requests": requests}


def test_200_concurrent_dose_confirmations_for_one_patient_book_one_dose_a_day(
    dose_race,
) -> None:
    chairs, nurses, desk = dose_race["chairs"], dose_race["nurses"], dose_race["desk"]
    jobs = [
        {
            "request": request,
            "starts_at": next_local(3, 8 + 2 * (i % 5)),
            "clinician": nurses[i % 8],
            "room": chairs[i % 8],
        }
        for i, request in enumerate(dose_race["requests"])
    ]

    def confirm(job: dict[str, Any]) -> str:
        appointment_request_confirm(
            request=job["request"],
            by=desk,
            starts_at=job["starts_at"],
            clinician=job["clinician"],
            room=job["room"],
        )
        return "booked"

    results = race(jobs, confirm)

    booked = [r for r in results if r == "booked"]
    refused = [r for r in results if isinstance(r, ValidationError)]
    other = [r for r in results if r != "booked" and not isinstance(r, ValidationError)]
    assert other == [], f"unexpected errors (deadlock or crash): {Counter(map(repr, other))}"
    assert len(booked) == 1
    assert len(refused) == ATTEMPTS - 1
    assert Appointment.objects.count() == 1
    assert AppointmentRequest.objects.filter(status="confirmed").count() == 1
