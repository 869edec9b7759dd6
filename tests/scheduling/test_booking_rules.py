"""The booking rules that are clinic data: who may deliver a service, when a location is
open, and how far apart one patient's doses are. Refused in the booking services (book,
confirm, reschedule) and never offered by the slot finder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from intake.modalities import Modality
from portal.models import ClinicianKind
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    DosingSpacing,
    LocationHours,
    RoomKind,
    SchedulingSettings,
    ServiceKind,
)
from scheduling.selectors import free_slots, slot_search
from scheduling.services import (
    appointment_book,
    appointment_request_confirm,
    appointment_reschedule,
)
from tests.factories import ClinicianFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse_with_hours(nurse):
    hours_every_day(nurse, folsom(), dt.time(7), dt.time(20))
    return nurse


@pytest.fixture
def prescriber_with_hours(clinician):
    hours_every_day(clinician, folsom(), dt.time(7), dt.time(20))
    return clinician


@pytest.fixture
def therapy_room():
    return RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A")


def book(patient, service, clinician, room, starts_at):
    return appointment_book(
        patient=patient,
        service=service,
        location=folsom(),
        clinician=clinician,
        room=room,
        starts_at=starts_at,
        booked_by=None,
    )


# --- who may deliver a service --------------------------------------------------------


def test_the_seeded_services_say_who_may_deliver_them():
    kinds = {kind: service_of(kind).clinician_kinds for kind in ServiceKind.values}
    assert kinds[ServiceKind.CONSULTATION] == ["prescriber"]
    assert set(kinds[ServiceKind.IV_INFUSION]) == {"prescriber", "nurse"}
    assert set(kinds[ServiceKind.SPRAVATO]) == {"prescriber", "nurse"}
    assert set(kinds[ServiceKind.KAP]) == {"prescriber", "nurse"}
    assert set(kinds[ServiceKind.INTEGRATION]) == {"therapist", "prescriber"}


def test_an_evaluation_cannot_be_booked_with_a_nurse(patient, nurse_with_hours, therapy_room):
    evaluation = service_of(ServiceKind.CONSULTATION)
    with pytest.raises(ValidationError, match="prescribers only") as excinfo:
        book(patient, evaluation, nurse_with_hours, therapy_room, next_local(2, 10))
    assert "is a nurse" in " ".join(excinfo.value.messages)
    assert not Appointment.objects.exists()


def test_the_slot_finder_offers_an_evaluation_with_prescribers_only(
    patient, nurse_with_hours, prescriber_with_hours, therapy_room
):
    evaluation = service_of(ServiceKind.CONSULTATION)
    day = next_local(2).date()
    offered = free_slots(service=evaluation, location=folsom(), start=day, end=day)
    assert offered
    assert {s.clinician for s in offered} == {prescriber_with_hours}
    # Asking for the nurse by name offers nothing, and says why.
    search = slot_search(
        service=evaluation, location=folsom(), start=day, end=day, clinician=nurse_with_hours
    )
    assert search.slots == []
    assert "prescribers" in search.notes[day]


def test_confirming_an_evaluation_request_with_a_nurse_is_refused(
    patient, nurse_with_hours, therapy_room, front_desk
):
    pending = AppointmentRequestFactory(patient=patient)
    with pytest.raises(ValidationError, match="prescribers only"):
        appointment_request_confirm(
            request=pending,
            by=front_desk,
            starts_at=next_local(2, 10),
            clinician=nurse_with_hours,
            room=therapy_room,
        )
    pending.refresh_from_db()
    assert pending.status == AppointmentRequest.Status.PENDING


def test_the_clinic_changes_who_may_deliver_a_service(patient, nurse_with_hours, therapy_room):
    evaluation = service_of(ServiceKind.CONSULTATION)
    evaluation.clinician_kinds = [ClinicianKind.PRESCRIBER, ClinicianKind.NURSE]
    evaluation.save()
    assert book(patient, evaluation, nurse_with_hours, therapy_room, next_local(2, 10)).pk


def test_a_therapist_delivers_integration_but_no_dose(patient, therapist, clinician):
    hours_every_day(therapist, folsom(), dt.time(7), dt.time(20))
    approve_patient(patient, Modality.KAP, clinician=clinician)
    kap = service_of(ServiceKind.KAP)
    room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy K")
    with pytest.raises(ValidationError, match="is a therapist"):
        book(patient, kap, therapist, room, next_local(2, 10))
    day = next_local(2).date()
    assert free_slots(service=kap, location=folsom(), start=day, end=day) == []


def test_the_admin_edits_who_may_deliver_a_service(client_for, clinic_admin):
    evaluation = service_of(ServiceKind.CONSULTATION)
    page = client_for(clinic_admin).get(f"/admin/scheduling/service/{evaluation.pk}/change/")
    assert page.status_code == 200
    assert 'name="clinician_kinds"' in page.content.decode()
    assert (
        client_for(clinic_admin).get("/admin/scheduling/dosingspacing/").status_code,
        client_for(clinic_admin).get("/admin/scheduling/locationhours/").status_code,
    ) == (200, 200)


# --- when the location is open ---------------------------------------------------------


def open_weekdays_only(opens=dt.time(7), closes=dt.time(19)):
    for weekday in range(5):
        LocationHours.objects.create(location=folsom(), weekday=weekday, opens=opens, closes=closes)


def next_weekday(weekday: int, hour: int, minute: int = 0) -> dt.datetime:
    for offset in range(2, 9):
        moment = next_local(offset, hour, minute)
        if moment.weekday() == weekday:
            return moment
    raise AssertionError


def test_the_migration_seeds_weekday_opening_hours():
    # The test set-up clears them (tests book on any day); the seeds are in the migration.
    from importlib import import_module

    seeds = import_module("scheduling.migrations.0008_booking_rules_data")
    assert list(seeds.OPEN_WEEKDAYS) == [0, 1, 2, 3, 4]


def test_nothing_is_booked_or_offered_on_a_day_the_location_is_closed(
    patient, prescriber_with_hours, therapy_room
):
    open_weekdays_only()
    evaluation = service_of(ServiceKind.CONSULTATION)
    saturday = next_weekday(5, 10)
    with pytest.raises(ValidationError, match="closed on Saturdays"):
        book(patient, evaluation, prescriber_with_hours, therapy_room, saturday)
    search = slot_search(
        service=evaluation, location=folsom(), start=saturday.date(), end=saturday.date()
    )
    assert search.slots == []
    assert search.notes[saturday.date()] == "Folsom is closed on Saturdays."
    # Monday: open 07:00-19:00, so nothing before 7 or ending after 19 (the clinician
    # works 7-20).
    monday = next_weekday(0, 10).date()
    offered = free_slots(service=evaluation, location=folsom(), start=monday, end=monday)
    assert offered
    assert all(s.starts_at.hour >= 7 and s.ends_at.time() <= dt.time(19) for s in offered)
    with pytest.raises(ValidationError, match="not open for all"):
        book(patient, evaluation, prescriber_with_hours, therapy_room, next_weekday(0, 18, 30))
    assert book(patient, evaluation, prescriber_with_hours, therapy_room, next_weekday(0, 10)).pk


# --- dose spacing -----------------------------------------------------------------------


@pytest.fixture
def dosing(patient, clinician, nurse_with_hours):
    approve_patient(patient, Modality.IV, Modality.KAP, clinician=clinician)
    chairs = [RoomFactory(kind=RoomKind.INFUSION_CHAIR, name=f"Chair {n}") for n in range(2)]
    kap_room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="KAP room")
    return {
        "iv": service_of(ServiceKind.IV_INFUSION),
        "kap": service_of(ServiceKind.KAP),
        "nurse": nurse_with_hours,
        "chairs": chairs,
        "kap_room": kap_room,
    }


def test_a_second_dose_the_same_day_is_refused_naming_the_first(patient, dosing):
    first = book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    with pytest.raises(ValidationError) as excinfo:
        book(patient, dosing["kap"], dosing["nurse"], dosing["kap_room"], next_local(3, 13))
    message = " ".join(excinfo.value.messages)
    assert "already has a dose that day" in message
    assert "8:00 to 9:30 AM (Folsom)" in message
    assert "1 dissociative dose(s) per patient per day" in message
    assert list(Appointment.objects.filter(patient=patient)) == [first]


def test_doses_of_one_modality_keep_the_clinics_minimum_gap(patient, dosing, front_desk):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    # The next day at 17:00 is 33 hours later: IV keeps 36.
    with pytest.raises(ValidationError, match="at least 36 hours apart"):
        book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][1], next_local(4, 17))
    # Nor before it.
    with pytest.raises(ValidationError, match="at least 36 hours apart"):
        book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][1], next_local(2, 9))
    second = book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][1], next_local(5, 8))
    # Moving the second closer is refused too; moving it later is fine.
    with pytest.raises(ValidationError, match="at least 36 hours apart"):
        appointment_reschedule(appointment=second, starts_at=next_local(4, 9), by=front_desk)
    moved = appointment_reschedule(appointment=second, starts_at=next_local(5, 10), by=front_desk)
    assert moved.reschedule_count == 1


def test_confirming_a_request_that_breaks_the_spacing_is_refused(patient, dosing, front_desk):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    pending = AppointmentRequestFactory(patient=patient, service=dosing["kap"])
    with pytest.raises(ValidationError, match="already has a dose that day"):
        appointment_request_confirm(
            request=pending,
            by=front_desk,
            starts_at=next_local(3, 14),
            clinician=dosing["nurse"],
            room=dosing["kap_room"],
        )
    pending.refresh_from_db()
    assert pending.status == AppointmentRequest.Status.PENDING


def test_the_slot_finder_offers_no_dose_that_breaks_the_spacing(patient, other_patient, dosing):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    day = next_local(3).date()
    same_day = slot_search(
        service=dosing["kap"], location=folsom(), start=day, end=day, patient=patient
    )
    assert same_day.slots == []
    assert "already has a dose that day" in same_day.notes[day]
    # Another patient is offered that day; the patient gets IV only 36 h on.
    assert free_slots(
        service=dosing["kap"], location=folsom(), start=day, end=day, patient=other_patient
    )
    next_day = day + dt.timedelta(days=1)
    offered = free_slots(
        service=dosing["iv"],
        location=folsom(),
        start=next_day,
        end=next_day + dt.timedelta(days=1),
        patient=patient,
    )
    assert offered
    assert min(s.starts_at for s in offered) >= next_local(3, 8) + dt.timedelta(hours=36)


def test_the_spacing_is_clinic_data(patient, dosing):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    DosingSpacing.objects.filter(modality="iv").update(min_hours_between=24)
    clinic = SchedulingSettings.load()
    clinic.max_dissociative_doses_per_day = 2
    clinic.save()
    assert book(patient, dosing["kap"], dosing["nurse"], dosing["kap_room"], next_local(3, 13)).pk
    assert book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][1], next_local(4, 8)).pk


def test_a_cancelled_dose_no_longer_counts(patient, dosing, front_desk):
    from scheduling.services import appointment_cancel

    first = book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    appointment_cancel(appointment=first, by=front_desk, reason="Booked in error")
    assert book(patient, dosing["kap"], dosing["nurse"], dosing["kap_room"], next_local(3, 13)).pk


def test_a_visit_without_a_dose_is_not_limited(patient, dosing, prescriber_with_hours):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Consult")
    consult = book(
        patient,
        service_of(ServiceKind.CONSULTATION),
        prescriber_with_hours,
        room,
        next_local(3, 13),
    )
    assert consult.pk


def test_a_clinician_without_a_kind_is_never_booked(patient, therapy_room):
    nobody = ClinicianFactory(clinician_kind="", credential="")
    hours_every_day(nobody, folsom())
    with pytest.raises(ValidationError, match="clinician without a kind"):
        book(patient, service_of(ServiceKind.CONSULTATION), nobody, therapy_room, next_local(2, 10))


def test_the_confirm_page_for_a_dose_offers_only_spaced_times_in_bounded_queries(
    client_for, patient, dosing, front_desk, django_assert_max_num_queries
):
    book(patient, dosing["iv"], dosing["nurse"], dosing["chairs"][0], next_local(3, 8))
    pending = AppointmentRequestFactory(patient=patient, service=dosing["kap"])
    url = f"/scheduling/desk/requests/{pending.pk}/"
    client = client_for(front_desk)
    day = next_local(3).date()
    client.get(url, {"start": day.isoformat(), "days": 1})
    # The page (session, user, MFA, the request, the gate: approval and signed consents)
    # and one slot search (service locations, hours, rooms, opening hours, busy times,
    # settings, spacing, doses). Nothing fits the request that day, so the picker also
    # looks for the nearest times at each location offering the service: the locations,
    # then one slot search each (two locations offer KAP here).
    with django_assert_max_num_queries(33):
        response = client.get(url, {"start": day.isoformat(), "days": 1})
    assert response.context["slot_count"] == 0
    assert response.context["alternatives"]
    # Two weeks cost what one day costs.
    with django_assert_max_num_queries(33):
        fortnight = client.get(url, {"start": day.isoformat(), "days": 14})
    assert fortnight.context["slot_count"] > 0
    # The next day is offered.
    following = client.get(url, {"start": (day + dt.timedelta(days=1)).isoformat(), "days": 1})
    assert following.context["slot_count"] > 0
