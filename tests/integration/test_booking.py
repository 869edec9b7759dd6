"""Integration booking inside the 24-48 h window after discharge, through scheduling."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from integration import selectors, services
from integration.window import CLINIC_ZONE
from portal.models import ClinicianKind, Location
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import Appointment, RoomKind, Service, ServiceKind
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.factories import RoomFactory, hours_every_day
from tests.treatments.factories import course_started, session_discharged

pytestmark = pytest.mark.django_db

DISCHARGE = dt.datetime(2026, 3, 3, 11, 30, tzinfo=CLINIC_ZONE)  # Tuesday
AFTER = DISCHARGE + dt.timedelta(hours=1)


@pytest.fixture
def therapist():
    person = ClinicianFactory(full_name="Tara Singh, LMFT", clinician_kind=ClinicianKind.THERAPIST)
    hours_every_day(person, None)  # telehealth
    return person


def telehealth() -> Service:
    return Service.objects.get(kind=ServiceKind.INTEGRATION, room_kind=RoomKind.TELEHEALTH)


def in_person() -> Service:
    return Service.objects.get(kind=ServiceKind.INTEGRATION, room_kind=RoomKind.THERAPY_ROOM)


def discharged(patient):
    with time_machine.travel(DISCHARGE, tick=False):
        return session_discharged(course_started(patient))


def book(session, starts_at, clinician, *, service=None, room=None):
    return services.integration_book(
        session=session,
        service=service or telehealth(),
        starts_at=starts_at,
        clinician=clinician,
        room=room,
        booked_by=session.patient,
    )


# --- the discharge hook ----------------------------------------------------------------


def test_discharge_writes_the_window_reminders(patient) -> None:
    session = discharged(patient)
    rows = {
        n.kind: n for n in Notification.objects.filter(topic=f"integration-window:{session.pk}")
    }
    assert rows[Kind.INTEGRATION_WINDOW_OPEN].send_at == DISCHARGE + dt.timedelta(hours=24)
    assert rows[Kind.INTEGRATION_WINDOW_CLOSING].send_at == DISCHARGE + dt.timedelta(hours=42)
    for row in rows.values():
        assert row.recipient == patient
        assert set(row.context) == {"url"}  # nothing clinical, only a link
        assert row.context["url"].endswith(f"/integration/sessions/{session.pk}/slots/")
    # ... and the weekly symptom check-ins start.
    assert Notification.objects.filter(recipient=patient, kind=Kind.SYMPTOM_CHECKIN).exists()


# --- the service ---------------------------------------------------------------------


@time_machine.travel(AFTER, tick=False)
def test_booking_the_next_day_inside_the_window(patient, therapist) -> None:
    session = discharged(patient)
    appointment = book(session, DISCHARGE + dt.timedelta(hours=25), therapist)
    assert appointment.patient == patient
    assert appointment.service.kind == ServiceKind.INTEGRATION
    assert selectors.integration_booked_for(session) == appointment
    pending = Notification.objects.filter(
        topic=f"integration-window:{session.pk}", status=Notification.Status.PENDING
    )
    assert not pending.exists()  # booked: no "book your integration" reminders


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        (dt.timedelta(hours=23, minutes=45), "too soon"),
        (dt.timedelta(hours=48), "closed"),
        (dt.timedelta(days=3), "closed"),
    ],
)
@time_machine.travel(AFTER, tick=False)
def test_booking_outside_the_window_is_refused_with_the_reason(
    patient, therapist, after, reason
) -> None:
    session = discharged(patient)
    with pytest.raises(ValidationError, match=reason):
        book(session, DISCHARGE + after, therapist)
    assert not Appointment.objects.filter(service__kind=ServiceKind.INTEGRATION).exists()


@time_machine.travel(AFTER, tick=False)
def test_only_integration_therapists_and_integration_visits(patient, therapist) -> None:
    session = discharged(patient)
    psychiatrist = ClinicianFactory()
    hours_every_day(psychiatrist, None)
    with pytest.raises(ValidationError, match="integration therapists"):
        book(session, DISCHARGE + dt.timedelta(hours=26), psychiatrist)
    consultation = Service.objects.get(kind=ServiceKind.CONSULTATION)
    with pytest.raises(ValidationError, match="integration therapy visit"):
        book(session, DISCHARGE + dt.timedelta(hours=26), therapist, service=consultation)


@time_machine.travel(AFTER, tick=False)
def test_one_integration_per_session(patient, therapist) -> None:
    session = discharged(patient)
    book(session, DISCHARGE + dt.timedelta(hours=25), therapist)
    with pytest.raises(ValidationError, match="already booked"):
        book(session, DISCHARGE + dt.timedelta(hours=30), therapist)


@time_machine.travel(AFTER, tick=False)
def test_the_same_therapist_time_is_never_double_booked(patient, other_patient, therapist) -> None:
    mine = discharged(patient)
    theirs = discharged(other_patient)
    book(mine, DISCHARGE + dt.timedelta(hours=25), therapist)
    with pytest.raises(ValidationError, match="no longer free"):
        book(theirs, DISCHARGE + dt.timedelta(hours=25, minutes=15), therapist)


# --- slots -----------------------------------------------------------------------------


@time_machine.travel(AFTER, tick=False)
def test_slots_offered_are_free_therapist_times_inside_the_window(patient, therapist) -> None:
    folsom = Location.objects.get(slug="folsom")
    hours_every_day(therapist, folsom, dt.time(9), dt.time(12))  # Wed/Thu mornings at Folsom
    room = RoomFactory(location=folsom, name="Therapy 1", kind=RoomKind.THERAPY_ROOM)
    other = ClinicianFactory()  # a psychiatrist's hours never make integration slots
    hours_every_day(other, None)
    session = discharged(patient)
    window = selectors.window_of(session)
    wednesday = selectors.integration_slots(window=window, day=dt.date(2026, 3, 4))
    thursday = selectors.integration_slots(window=window, day=dt.date(2026, 3, 5))
    assert wednesday
    assert thursday
    for slot in wednesday + thursday:
        assert window.contains(slot.starts_at)
        assert slot.clinician == therapist
    # Wednesday starts at 11:30 (window opens), Thursday ends before 11:30 (it closes).
    assert min(s.starts_at for s in wednesday) == DISCHARGE + dt.timedelta(hours=24)
    assert max(s.starts_at for s in thursday) < DISCHARGE + dt.timedelta(hours=48)
    assert {s.room for s in thursday} == {None, room}
    assert not selectors.integration_slots(window=window, day=dt.date(2026, 3, 6))


@time_machine.travel(AFTER, tick=False)
def test_a_booked_time_is_no_longer_offered(patient, other_patient, therapist) -> None:
    session = discharged(patient)
    window = selectors.window_of(session)
    first = selectors.integration_slots(window=window, day=dt.date(2026, 3, 4))[0]
    book(discharged(other_patient), first.starts_at, therapist)
    again = selectors.integration_slots(window=window, day=dt.date(2026, 3, 4))
    assert first.starts_at not in {s.starts_at for s in again}


# --- pages -----------------------------------------------------------------------------


def slot_post(slot_at, therapist, service=None, room="") -> dict:
    return {
        "starts_at": slot_at.isoformat(),
        "service": (service or telehealth()).pk,
        "clinician": therapist.pk,
        "room": room,
    }


@time_machine.travel(AFTER, tick=False)
def test_patient_sees_the_window_and_books_from_the_page(patient, therapist, client_for) -> None:
    session = discharged(patient)
    client = client_for(patient)
    url = reverse("integration:slot-list", kwargs={"session_id": session.pk})
    page = client.get(url).content.decode()
    assert "from Wed 4 Mar, 11:30 AM to Thu 5 Mar, 11:30 AM" in page
    assert 'data-testid="slot-list"' in page
    response = client.post(
        reverse("integration:booking-create", kwargs={"session_id": session.pk}),
        slot_post(DISCHARGE + dt.timedelta(hours=26), therapist),
    )
    assert response.status_code == 302
    assert (
        Appointment.objects.filter(patient=patient, service__kind=ServiceKind.INTEGRATION).count()
        == 1
    )
    assert 'data-testid="integration-booked"' in client.get(url).content.decode()


@time_machine.travel(AFTER, tick=False)
def test_a_crafted_post_three_days_later_is_refused_with_the_reason(
    patient, therapist, client_for
) -> None:
    session = discharged(patient)
    response = client_for(patient).post(
        reverse("integration:booking-create", kwargs={"session_id": session.pk}),
        slot_post(DISCHARGE + dt.timedelta(days=3), therapist),
    )
    assert response.status_code == 400
    assert "integration window has closed" in response.content.decode()
    assert not Appointment.objects.filter(service__kind=ServiceKind.INTEGRATION).exists()


@time_machine.travel(AFTER, tick=False)
def test_a_day_outside_the_window_says_why(patient, therapist, client_for) -> None:
    session = discharged(patient)
    url = reverse("integration:slot-list", kwargs={"session_id": session.pk})
    page = client_for(patient).get(url + "?day=2026-03-06").content.decode()
    assert 'data-testid="day-outside-window"' in page
    assert "closed" in page
    assert 'data-testid="slot-list"' not in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"starts_at": "not a time", "service": "1", "clinician": "1"},
        {"starts_at": "2026-03-04T12:00:00-08:00", "service": "999999", "clinician": "1"},
        {"starts_at": "2026-03-04T12:00:00-08:00", "service": "x", "clinician": "-3"},
    ],
)
@time_machine.travel(AFTER, tick=False)
def test_garbage_posts_are_refused_without_error(patient, client_for, data) -> None:
    session = discharged(patient)
    response = client_for(patient).post(
        reverse("integration:booking-create", kwargs={"session_id": session.pk}), data
    )
    assert response.status_code == 400
    assert not Appointment.objects.filter(service__kind=ServiceKind.INTEGRATION).exists()


@time_machine.travel(AFTER, tick=False)
def test_booking_pages_belong_to_the_patient_and_the_front_desk(
    patient, other_patient, clinician, front_desk, client_for, therapist
) -> None:
    session = discharged(patient)
    slots = reverse("integration:slot-list", kwargs={"session_id": session.pk})
    book_url = reverse("integration:booking-create", kwargs={"session_id": session.pk})
    assert client_for(other_patient).get(slots).status_code == 404
    assert client_for(other_patient).post(book_url, slot_post(AFTER, therapist)).status_code == 404
    assert client_for(clinician).get(slots).status_code == 403
    assert client_for(None).get(slots).status_code == 302
    assert client_for(patient).post(slots).status_code == 405
    assert client_for(patient).get(book_url).status_code == 405
    # The front desk may book on the patient's behalf.
    assert client_for(front_desk).get(slots).status_code == 200
    response = client_for(front_desk).post(
        book_url, slot_post(DISCHARGE + dt.timedelta(hours=27), therapist)
    )
    assert response["Location"] == reverse("integration:window-list")
    assert Appointment.objects.get(service__kind=ServiceKind.INTEGRATION).booked_by == front_desk


def test_a_session_not_yet_discharged_has_no_booking_page(patient, client_for) -> None:
    from tests.treatments.factories import session_opened

    session = session_opened(course_started(patient))
    url = reverse("integration:slot-list", kwargs={"session_id": session.pk})
    assert client_for(patient).get(url).status_code == 404


# --- the staff list --------------------------------------------------------------------


def test_staff_see_open_windows_without_integration_with_hours_left(
    patient, other_patient, therapist, front_desk, clinician, client_for
) -> None:
    mine = discharged(patient)
    discharged(other_patient)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=26), tick=False):
        book(mine, DISCHARGE + dt.timedelta(hours=27), therapist)
        response = client_for(front_desk).get(reverse("integration:window-list"))
        rows = response.context["rows"]
        assert [row.patient for row in rows] == [other_patient]
        assert rows[0].hours_left == 22
        assert rows[0].is_open
        assert client_for(clinician).get(reverse("integration:window-list")).status_code == 200
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=48), tick=False):
        response = client_for(front_desk).get(reverse("integration:window-list"))
        assert response.context["rows"] == []
        assert 'data-testid="window-list-empty"' in response.content.decode()


def test_window_list_keeps_its_queries_with_many_sessions(
    front_desk, client_for, django_assert_max_num_queries
) -> None:
    for _ in range(10):
        discharged(PatientFactory())
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=25), tick=False):
        client = client_for(front_desk)
        with django_assert_max_num_queries(7):
            response = client.get(reverse("integration:window-list"))
        assert len(response.context["rows"]) == 10


def test_window_list_is_for_staff(patient, client_for) -> None:
    assert client_for(patient).get(reverse("integration:window-list")).status_code == 403
    assert client_for(None).get(reverse("integration:window-list")).status_code == 302


# --- home panels -----------------------------------------------------------------------


def test_home_pages_point_to_open_windows(patient, front_desk, clinician, client_for) -> None:
    discharged(patient)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=2), tick=False):
        home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
        assert 'data-testid="integration-window-panel"' in home
        assert "from Wed 4 Mar, 11:30 AM to Thu 5 Mar, 11:30 AM" in home
        for staff, url in (
            (front_desk, "portal:front-desk-home"),
            (clinician, "portal:clinician-home"),
        ):
            page = client_for(staff).get(reverse(url)).content.decode()
            assert "<strong>1</strong> ended session with no integration therapy booked" in page
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=49), tick=False):
        home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
        assert 'data-testid="integration-window-panel"' not in home
        assert 'data-testid="integration-panel"' in home
