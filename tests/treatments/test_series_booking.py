"""Series booking says what it did: it never books on a day the location is closed or
inside another of the patient's visits (or against the dose spacing), it shows each
session planned against booked with the drift and why, the desk places any session by
hand from the slot finder, and the patient gets one message listing the booked times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from scheduling.models import Appointment, LocationHours, RoomKind
from scheduling.services import appointment_book
from tests.notifications.test_privacy import FORBIDDEN
from tests.scheduling.factories import RoomFactory, service_of
from tests.treatments.conftest import PACIFIC
from tests.treatments.factories import course_started
from treatments import services
from treatments.models import PlannedSession, TreatmentSettings

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 3, 3)


@pytest.fixture
def weekdays_only(location):
    """Folsom open Monday to Friday, 7:00-19:00 (the seeded clinic hours)."""
    for weekday in range(5):
        LocationHours.objects.create(
            location=location, weekday=weekday, opens=dt.time(7), closes=dt.time(19)
        )


def local_day(appointment: Appointment) -> dt.date:
    return appointment.starts_at.astimezone(PACIFIC).date()


def test_the_series_never_lands_on_a_closed_day_and_reports_the_drift(
    patient, clinician, front_desk, infusion_chair, monday, location, weekdays_only
):
    # The IV plan: Tue 3, Thu 5, Sat 7, Tue 10, Thu 12, Sat 14 March.
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    assert len(outcome.placed) == 6
    booked = [p.appointment for p in course.planned.order_by("sequence")]
    assert all(local_day(a).weekday() < 5 for a in booked), [local_day(a) for a in booked]
    rows = {row.sequence: row for row in outcome.rows}
    assert rows[1].drift_days == 0
    assert rows[1].why == ""
    # Saturday the 7th: Folsom is closed, so Monday the 9th, two days late, and why.
    assert rows[3].target_date == dt.date(2026, 3, 7)
    assert local_day(booked[2]) == dt.date(2026, 3, 9)
    assert rows[3].drift_days == 2
    assert rows[3].why == (
        "Sat 7 Mar: Folsom is closed on Saturdays. Sun 8 Mar: Folsom is closed on Sundays."
    )
    # Every later session also says why it moved, if it moved.
    for row in outcome.rows:
        assert (row.drift_days == 0) == (row.why == ""), row


def test_the_series_never_books_inside_another_visit_of_the_patient(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    # The patient's consultation on the first target day, 8:00-9:00 (+10 min after).
    therapy = RoomFactory(location=location, kind=RoomKind.THERAPY_ROOM, name="Therapy 1")
    consult = appointment_book(
        patient=patient,
        service=service_of("consultation"),
        location=location,
        clinician=clinician,
        room=therapy,
        starts_at=dt.datetime.combine(TUESDAY, dt.time(8), tzinfo=PACIFIC),
        booked_by=front_desk,
    )
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    first = course.planned.get(sequence=1).appointment
    assert local_day(first) == TUESDAY
    assert first.blocked.lower >= consult.blocked.upper


def test_a_session_moves_off_a_day_with_another_dose_and_says_why(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    # A KAP dose already on Thu 5 March: the IV session planned then moves.
    approve = __import__("tests.intake.factories", fromlist=["approve_patient"]).approve_patient
    approve(patient, Modality.IV, Modality.KAP, clinician=clinician)
    kap_room = RoomFactory(location=location, kind=RoomKind.THERAPY_ROOM, name="KAP room")
    appointment_book(
        patient=patient,
        service=service_of("kap"),
        location=location,
        clinician=clinician,
        room=kap_room,
        starts_at=dt.datetime.combine(dt.date(2026, 3, 5), dt.time(15), tzinfo=PACIFIC),
        booked_by=front_desk,
    )
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    outcome = services.course_schedule_series(course=course, location=location, by=front_desk)
    second = next(row for row in outcome.rows if row.sequence == 2)
    assert second.drift_days == 1
    assert "Thu 5 Mar: The patient already has a dose that day" in second.why
    assert Appointment.objects.filter(patient=patient).count() == 7


def test_the_patient_gets_one_message_listing_the_booked_times_and_places(
    patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    messages = Notification.objects.filter(recipient=patient, kind=Kind.REQUEST_CONFIRMED)
    assert messages.count() == 1
    context = messages.get().context
    booked = sorted(p.appointment.starts_at for p in course.planned.all())
    assert [dt.datetime.fromisoformat(v["starts_at"]) for v in context["visits"]] == booked
    assert {v["location"] for v in context["visits"]} == {"Folsom"}
    rendered = render_message(Kind.REQUEST_CONFIRMED, context)
    assert "Tue 3 Mar" in rendered.text
    assert not FORBIDDEN.findall(rendered.text + rendered.sms + rendered.subject)
    # How to get ready is linked (the first visit's page), never quoted.
    first = min((p.appointment for p in course.planned.all()), key=lambda a: a.starts_at)
    assert context["url"].endswith(reverse("treatments:my-visit", args=[first.pk]))
    assert "Do not eat" not in rendered.text
    # Scheduling again books nothing and sends nothing more.
    services.course_schedule_series(course=course, location=location, by=front_desk)
    assert messages.count() == 1


def test_the_page_shows_planned_against_booked_with_drift_and_why(
    client_for, patient, clinician, front_desk, infusion_chair, monday, location, weekdays_only
):
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    url = reverse("treatments:course-schedule", args=[course.pk])
    client = client_for(front_desk)
    response = client.post(url, {"location": location.pk}, follow=True)
    html = response.content.decode()
    assert 'data-testid="series-outcome"' in html
    assert "6 sessions booked" in html
    assert "+2 days" in html
    assert "Folsom is closed on" in html
    # Drifted sessions can be moved by hand; the one on target cannot.
    third = course.planned.get(sequence=3)
    assert reverse("treatments:planned-place", args=[course.pk, third.pk]) in html
    first = course.planned.get(sequence=1)
    assert reverse("treatments:planned-place", args=[course.pk, first.pk]) not in html
    # The why is said once; the drift stays.
    again = client.get(url).content.decode()
    assert "Folsom is closed on" not in again
    assert "+2 days" in again


def test_an_unplaced_session_is_placed_by_hand_from_the_slot_finder(
    client_for, patient, other_patient, clinician, front_desk, infusion_chair, monday, location
):
    clinic = TreatmentSettings.load()
    clinic.series_search_days = 0
    clinic.save()
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    third = course.planned.get(sequence=3)
    # Fill the only chair on the third session's day with other patients.
    for n, hour in enumerate((8, 10, 12, 14, 16)):
        someone = (
            other_patient if n == 0 else __import__("tests.factories").factories.PatientFactory()
        )
        __import__("tests.intake.factories", fromlist=["x"]).approve_patient(
            someone, Modality.IV, clinician=clinician
        )
        appointment_book(
            patient=someone,
            service=service_of("iv_infusion"),
            location=location,
            clinician=clinician,
            room=infusion_chair,
            starts_at=dt.datetime.combine(third.target_date, dt.time(hour, 15), tzinfo=PACIFIC),
            booked_by=front_desk,
        )
    url = reverse("treatments:course-schedule", args=[course.pk])
    client = client_for(front_desk)
    html = client.post(url, {"location": location.pk}, follow=True).content.decode()
    assert "5 sessions booked, 1 not placed" in html
    place_url = reverse("treatments:planned-place", args=[course.pk, third.pk])
    assert place_url in html
    page = client.get(place_url, {"start": "2026-03-08", "days": "1"})
    assert page.status_code == 200
    choices = page.context["form"].fields["slot"].widget.choices
    assert choices, (page.context["notes"], page.context["days"])
    value = choices[0][1][0][0]
    response = client.post(place_url + "?start=2026-03-08&days=1", {"slot": value})
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.appointment is not None
    assert local_day(third.appointment) == dt.date(2026, 3, 8)
    # The patient hears of it: the series message, then this one.
    assert Notification.objects.filter(recipient=patient, kind=Kind.REQUEST_CONFIRMED).count() == 2
    # A slot that is no longer free is refused on the form, and nothing changes.
    fourth = course.planned.get(sequence=4)
    before = fourth.appointment_id
    refused = client.post(
        reverse("treatments:planned-place", args=[course.pk, fourth.pk]), {"slot": value}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors
    fourth.refresh_from_db()
    assert fourth.appointment_id == before


def test_the_place_page_belongs_to_its_course_and_refuses_bad_input(
    client_for, patient, clinician, front_desk, infusion_chair, monday, location
):
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    other = course_started(
        __import__("tests.factories").factories.PatientFactory(),
        Modality.IV,
        clinician=clinician,
        start_date=TUESDAY,
    )
    planned = course.planned.get(sequence=1)
    client = client_for(front_desk)
    assert (
        client.get(reverse("treatments:planned-place", args=[other.pk, planned.pk])).status_code
        == 404
    )
    url = reverse("treatments:planned-place", args=[course.pk, planned.pk])
    assert client.get(url, {"start": "9999-01-01", "days": "99"}).status_code == 200
    response = client.post(url, {"slot": "not|a|slot"})
    assert response.status_code == 200
    assert "Please pick one of the offered times." in response.content.decode()
    assert PlannedSession.objects.get(pk=planned.pk).appointment is None


def test_the_series_pages_queries_are_bounded(
    client_for,
    patient,
    clinician,
    front_desk,
    infusion_chair,
    monday,
    location,
    django_assert_max_num_queries,
):
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    client = client_for(front_desk)
    url = reverse("treatments:course-schedule", args=[course.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    place = reverse("treatments:planned-place", args=[course.pk, course.planned.get(sequence=3).pk])
    client.get(place)
    with django_assert_max_num_queries(20):
        assert client.get(place, {"days": "14"}).status_code == 200


def test_a_drifted_session_is_moved_by_hand_and_the_patient_told(
    patient, clinician, front_desk, infusion_chair, monday, location, weekdays_only
):
    course = course_started(patient, Modality.IV, clinician=clinician, start_date=TUESDAY)
    services.course_schedule_series(course=course, location=location, by=front_desk)
    third = course.planned.select_related("appointment").get(sequence=3)
    visit = third.appointment
    assert local_day(visit) == dt.date(2026, 3, 9)
    # Folsom opens on a Saturday after all: the desk moves the session back to its target.
    LocationHours.objects.create(location=location, weekday=5, opens=dt.time(8), closes=dt.time(14))
    moved = services.planned_session_place(
        planned=third,
        by=front_desk,
        starts_at=dt.datetime.combine(dt.date(2026, 3, 7), dt.time(9), tzinfo=PACIFIC),
        clinician=clinician,
        room=infusion_chair,
        location=location,
    )
    assert moved.pk == visit.pk
    assert moved.reschedule_count == 1
    assert local_day(moved) == dt.date(2026, 3, 7)
    told = Notification.objects.filter(recipient=patient, kind=Kind.REQUEST_CONFIRMED)
    assert told.count() == 2
    # Placing it on a time that breaks the spacing is refused and changes nothing.
    with pytest.raises(ValidationError, match="at least 36 hours apart"):
        services.planned_session_place(
            planned=third,
            by=front_desk,
            starts_at=dt.datetime.combine(dt.date(2026, 3, 5), dt.time(15), tzinfo=PACIFIC),
            clinician=clinician,
            room=infusion_chair,
            location=location,
        )
    moved.refresh_from_db()
    assert local_day(moved) == dt.date(2026, 3, 7)
    assert told.count() == 2
