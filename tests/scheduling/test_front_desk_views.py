"""The front desk: the queue, confirming on a free slot, declining, the day view, the
dosing gate, and bounded queries with ten times the data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.forms import slot_value
from scheduling.models import Appointment, AppointmentRequest, RoomKind, ServiceKind
from scheduling.selectors import free_slots
from tests.conftest import enrol_totp
from tests.factories import ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.intake.factories import approve_patient, enrol_rems
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

QUEUE = "/scheduling/desk/requests/"


@pytest.fixture
def chairs(clinician):
    hours_every_day(clinician, folsom())
    return [RoomFactory(kind=RoomKind.INFUSION_CHAIR, name=f"Chair {n}") for n in (1, 2)]


@pytest.fixture
def therapy_room(clinician):
    hours_every_day(clinician, folsom())
    return RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A")


def confirm_url(request: AppointmentRequest) -> str:
    return reverse("scheduling:request-confirm", args=[request.pk])


def row_ids(response) -> list[int]:
    return [row.pk for row in response.context["rows"]]


def test_the_queue_lists_pending_requests_oldest_first_with_counts(client_for, front_desk):
    with time_machine.travel("2026-03-01 09:00 -08:00"):
        old = AppointmentRequestFactory()
    newer = AppointmentRequestFactory()
    AppointmentRequestFactory(status="cancelled")
    response = client_for(front_desk).get(QUEUE)
    assert response.status_code == 200
    assert row_ids(response) == [old.pk, newer.pk]
    assert response.context["counts"]["pending"] == 2
    assert response.context["counts"]["by_location"] == {"Folsom": 2}


def test_the_queue_filters_by_location_service_and_status(client_for, front_desk):
    from portal.models import Location

    sacramento = Location.objects.get(slug="sacramento")
    at_folsom = AppointmentRequestFactory()
    at_sac = AppointmentRequestFactory(preferred_location=sacramento)
    cancelled = AppointmentRequestFactory(status="cancelled")
    client = client_for(front_desk)
    assert row_ids(client.get(QUEUE, {"location": sacramento.pk})) == [at_sac.pk]
    assert row_ids(client.get(QUEUE, {"status": "cancelled"})) == [cancelled.pk]
    kap = service_of(ServiceKind.KAP)
    assert row_ids(client.get(QUEUE, {"service": kap.pk})) == []
    assert at_folsom.pk in row_ids(client.get(QUEUE, {"status": ""}))
    # A nonsense filter falls back to the pending queue, not a 500.
    assert client.get(QUEUE, {"location": "abc"}).status_code == 200


def test_the_queue_escapes_what_patients_typed_and_links_pending_rows(client_for, front_desk):
    hostile = PatientFactory()
    hostile.patient_profile.preferred_name = "<script>alert('x')</script>"
    hostile.patient_profile.save()
    pending = AppointmentRequestFactory(patient=hostile)
    html = client_for(front_desk).get(QUEUE).content.decode()
    row = html.split(f'data-testid="queue-row-{pending.pk}"')[1].split("</tr>")[0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in row
    assert f'href="{confirm_url(pending)}">Open</a>' in row
    assert "No requests match." not in html
    empty = client_for(front_desk).get(QUEUE, {"status": "declined"}).content.decode()
    assert "No requests match." in empty


def test_the_queue_is_for_the_front_desk_only(client_for, patient, clinician, front_desk):
    assert client_for(None).get(QUEUE).status_code == 302
    assert client_for(patient).get(QUEUE).status_code == 403
    assert client_for(clinician).get(QUEUE).status_code == 403
    assert client_for(front_desk).post(QUEUE).status_code == 405


def test_the_queue_keeps_a_bounded_number_of_queries(
    client_for, front_desk, django_assert_max_num_queries
):
    client = client_for(front_desk)
    AppointmentRequestFactory.create_batch(5)
    # Session, user, MFA check, locations, services, counts, one page of rows, and the
    # session's write (a savepoint, the update, its release).
    with django_assert_max_num_queries(10) as small:
        client.get(QUEUE)
    AppointmentRequestFactory.create_batch(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.count == 50


def test_the_queue_shows_25_requests_a_page_with_next_and_previous_links(client_for, front_desk):
    requests = AppointmentRequestFactory.create_batch(30)
    client = client_for(front_desk)
    first = client.get(QUEUE)
    html = first.content.decode()
    assert row_ids(first) == [r.pk for r in requests[:25]]
    assert "Showing 1-25 of 30" in html
    assert 'rel="prev"' not in html
    next_url = first.context["next_url"]
    assert f'href="{next_url}" rel="next"' in html.replace("&amp;", "&")
    second = client.get(QUEUE + next_url)
    html = second.content.decode()
    assert row_ids(second) == [r.pk for r in requests[25:]]
    assert "Showing 26-30 of 30" in html
    assert 'rel="next"' not in html
    assert (
        client.get(QUEUE + second.context["previous_url"]).context["rows"]
        == (first.context["rows"])
    )


def test_the_queue_page_links_keep_the_filters(client_for, front_desk):
    from portal.models import Location

    sacramento = Location.objects.get(slug="sacramento")
    AppointmentRequestFactory.create_batch(3)
    at_sac = AppointmentRequestFactory.create_batch(
        27, preferred_location=sacramento, status="cancelled"
    )
    client = client_for(front_desk)
    first = client.get(QUEUE, {"status": "cancelled", "location": sacramento.pk})
    assert "Showing 1-25 of 27" in first.content.decode()
    next_url = first.context["next_url"]
    assert "status=cancelled" in next_url
    assert f"location={sacramento.pk}" in next_url
    second = client.get(QUEUE + next_url)
    assert row_ids(second) == [r.pk for r in at_sac[25:]]
    assert f'<option value="{sacramento.pk}" selected>' in second.content.decode()
    assert "status=cancelled" in second.context["previous_url"]


def test_a_queue_page_past_the_end_shows_the_last_page_and_nonsense_the_first(
    client_for, front_desk
):
    requests = AppointmentRequestFactory.create_batch(27)
    client = client_for(front_desk)
    assert row_ids(client.get(QUEUE, {"page": 9})) == [r.pk for r in requests[25:]]
    assert row_ids(client.get(QUEUE, {"page": "x"})) == [r.pk for r in requests[:25]]
    assert row_ids(client.get(QUEUE, {"page": -3})) == [r.pk for r in requests[:25]]


def test_an_empty_queue_says_so_without_page_links(client_for, front_desk):
    html = client_for(front_desk).get(QUEUE).content.decode()
    assert "No requests match." in html
    assert "Showing" not in html


def test_confirming_offers_only_free_slots_and_notifies_the_patient(
    client_for, front_desk, patient, therapy_room, clinician
):
    request = AppointmentRequestFactory(
        patient=patient,
        preferred_date_1=next_local(2).date(),
        preferred_date_2=next_local(3).date(),
    )
    taken = next_local(2, 10)
    AppointmentFactory(clinician=clinician, room=therapy_room, starts_at=taken)
    client = client_for(front_desk)
    page = client.get(confirm_url(request))
    assert page.status_code == 200
    offered = [
        value
        for _day, options in page.context["form"].fields["slot"].widget.choices
        for value, _label in options
    ]
    assert slot_value(taken, clinician.pk, therapy_room.pk) not in offered
    # 60-minute consultation with a 10-minute buffer after: 11:00 is still taken (10:00 + 70).
    assert slot_value(next_local(2, 11), clinician.pk, therapy_room.pk) not in offered
    chosen = next_local(2, 11, 15)
    assert slot_value(chosen, clinician.pk, therapy_room.pk) in offered

    response = client.post(
        confirm_url(request), {"slot": slot_value(chosen, clinician.pk, therapy_room.pk)}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.CONFIRMED
    appointment = Appointment.objects.get(request=request)
    assert (appointment.starts_at, appointment.room, appointment.clinician) == (
        chosen,
        therapy_room,
        clinician,
    )
    confirmed = Notification.objects.get(recipient=patient, kind=Kind.REQUEST_CONFIRMED)
    assert set(confirmed.context) == {"starts_at", "location", "url"}
    assert confirmed.context["location"] == "Folsom"
    reminders = Notification.objects.filter(
        recipient=patient, kind=Kind.APPOINTMENT_REMINDER, topic=f"appointment:{appointment.pk}"
    )
    assert reminders.count() == 2
    page = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    assert "Confirmed" in page


def test_a_taken_slot_is_refused_with_a_clear_message(
    client_for, front_desk, patient, therapy_room, clinician
):
    request = AppointmentRequestFactory(patient=patient)
    taken = next_local(2, 10)
    AppointmentFactory(clinician=clinician, room=therapy_room, starts_at=taken)
    response = client_for(front_desk).post(
        confirm_url(request), {"slot": slot_value(taken, clinician.pk, therapy_room.pk)}
    )
    assert response.status_code == 200
    assert "no longer free" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.PENDING


@pytest.mark.parametrize(
    "slot",
    ["", "garbage", "2026-13-01T10:00|1|1", "2030-01-01T10:00|1|1", "2030-01-01T10:00-08:00|x|"],
)
def test_a_malformed_slot_is_a_form_error_not_a_500(client_for, front_desk, slot):
    request = AppointmentRequestFactory()
    response = client_for(front_desk).post(confirm_url(request), {"slot": slot})
    assert response.status_code == 200
    assert not Appointment.objects.exists()


def test_confirm_page_access(client_for, patient, clinician, front_desk):
    request = AppointmentRequestFactory(patient=patient)
    url = confirm_url(request)
    assert client_for(None).get(url).status_code == 302
    assert client_for(patient).get(url).status_code == 403
    assert client_for(clinician).get(url).status_code == 403
    assert client_for(front_desk).put(url).status_code == 405
    assert (
        client_for(front_desk).get(reverse("scheduling:request-confirm", args=[99999])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("kind", "modality"),
    [
        (ServiceKind.IV_INFUSION, Modality.IV),
        (ServiceKind.BOOSTER, Modality.IV),
        (ServiceKind.KAP, Modality.KAP),
    ],
)
def test_a_dosing_visit_is_refused_without_an_approved_intake(
    client_for, front_desk, patient, clinician, kind, modality
):
    service = service_of(kind)
    hours_every_day(clinician, folsom())
    room = RoomFactory(kind=service.room_kind, name="Dosing room")
    request = AppointmentRequestFactory(patient=patient, service=service)
    value = slot_value(next_local(2, 10), clinician.pk, room.pk)
    client = client_for(front_desk)
    page = client.get(confirm_url(request))
    assert f"Intake is not approved for {modality.label}." in page.content.decode()
    refused = client.post(confirm_url(request), {"slot": value})
    assert refused.status_code == 200
    assert f"Intake is not approved for {modality.label}." in refused.content.decode()
    assert not Appointment.objects.exists()
    approve_patient(patient, modality)
    assert client.post(confirm_url(request), {"slot": value}).status_code == 302
    assert Appointment.objects.filter(patient=patient, service=service).count() == 1


def test_a_spravato_visit_also_needs_rems_enrollment(client_for, front_desk, patient, clinician):
    service = service_of(ServiceKind.SPRAVATO)
    hours_every_day(clinician, folsom())
    room = RoomFactory(kind=RoomKind.SPRAVATO_ROOM, name="Spravato room")
    request = AppointmentRequestFactory(patient=patient, service=service)
    value = slot_value(next_local(2, 9), clinician.pk, room.pk)
    approve_patient(patient, Modality.SPRAVATO)
    client = client_for(front_desk)
    refused = client.post(confirm_url(request), {"slot": value})
    html = refused.content.decode()
    assert "Spravato REMS patient enrollment is not on file." in html
    assert "Intake is not approved" not in html
    enrol_rems(patient)
    assert client.post(confirm_url(request), {"slot": value}).status_code == 302


def test_declining_needs_a_reason_and_notifies_without_the_reason(
    client_for, front_desk, patient, clinician
):
    request = AppointmentRequestFactory(patient=patient)
    url = reverse("scheduling:request-decline", args=[request.pk])
    client = client_for(front_desk)
    assert client.post(url, {"reason": "  "}).status_code == 302
    request.refresh_from_db()
    assert request.status == "pending"
    assert client_for(patient).post(url, {"reason": "x"}).status_code == 403
    assert client_for(clinician).post(url, {"reason": "x"}).status_code == 403
    assert client.get(url).status_code == 405
    reason = "We have no evening appointments that week; please pick other days."
    assert client.post(url, {"reason": reason}).status_code == 302
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.DECLINED
    assert request.decline_reason == reason
    note = Notification.objects.get(recipient=patient, kind=Kind.REQUEST_DECLINED)
    assert reason not in str(note.context)
    page = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    assert reason.replace("'", "&#x27;") in page


def test_confirming_a_reschedule_request_moves_the_appointment(
    client_for, front_desk, patient, therapy_room, clinician
):
    from scheduling.services import appointment_book, appointment_reschedule_request

    appointment = appointment_book(
        patient=patient,
        service=service_of(ServiceKind.CONSULTATION),
        location=folsom(),
        clinician=clinician,
        room=therapy_room,
        starts_at=next_local(2, 10),
        booked_by=front_desk,
    )
    ask = appointment_reschedule_request(
        appointment=appointment,
        by=patient,
        windows=[(next_local(4).date(), "morning"), (next_local(5).date(), "any")],
    )
    new_start = next_local(4, 9)
    response = client_for(front_desk).post(
        confirm_url(ask), {"slot": slot_value(new_start, clinician.pk, therapy_room.pk)}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start
    assert Appointment.objects.count() == 1


def test_day_view_shows_rooms_against_time_and_actions(
    client_for, front_desk, clinician, therapy_room, patient
):
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, room=therapy_room, starts_at=next_local(1, 10)
    )
    day = next_local(1).date().isoformat()
    url = reverse("scheduling:day-view")
    response = client_for(front_desk).get(url, {"location": folsom().pk, "day": day})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Therapy A" in html
    assert f'data-testid="day-appointment-{appointment.pk}"' in html
    assert "Check in" in html
    # Clinicians see the day but get no actions.
    doc = client_for(clinician).get(url, {"location": folsom().pk, "day": day})
    assert doc.status_code == 200
    assert "Check in" not in doc.content.decode()
    assert client_for(patient).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(front_desk).post(url).status_code == 405
    assert client_for(front_desk).get(url, {"day": "not-a-day"}).status_code == 200


def test_day_view_actions_check_in_no_show_and_cancel(client_for, front_desk, patient, clinician):
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, starts_at=next_local(1, 10)
    )
    url = reverse("scheduling:appointment-status", args=[appointment.pk])
    client = client_for(front_desk)
    assert client_for(patient).post(url, {"status": "checked_in"}).status_code == 403
    assert client_for(clinician).post(url, {"status": "checked_in"}).status_code == 403
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "bogus"}).status_code == 302
    with time_machine.travel(appointment.starts_at - dt.timedelta(minutes=5)):
        client = client_for(front_desk)  # a fresh session on the day (idle timeout)
        assert client.post(url, {"status": "checked_in"}).status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == "checked_in"
        assert client.post(url, {"status": "completed"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "completed"

    other = AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(3, 10))
    url = reverse("scheduling:appointment-status", args=[other.pk])
    client = client_for(front_desk)
    # Cancel is not one click: it opens the cancel page and changes nothing yet.
    cancel_url = reverse("scheduling:desk-appointment-cancel", args=[other.pk])
    response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 302
    assert response["Location"] == cancel_url
    other.refresh_from_db()
    assert other.status == "scheduled"
    assert not Notification.objects.filter(kind=Kind.APPOINTMENT_CANCELLED).exists()
    response = client.post(cancel_url, {"reason": "Clinician unavailable", "details": "Sick"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "cancelled"
    assert other.cancel_reason == "Clinician unavailable: Sick"
    assert other.status_changed_by == front_desk
    assert other.late_cancellation is False
    assert Notification.objects.filter(kind=Kind.APPOINTMENT_CANCELLED, recipient=patient).exists()


def test_the_day_view_draws_every_room_in_every_hour_and_a_long_visit_as_busy(
    client_for, front_desk, clinician, patient
):
    rooms = [RoomFactory(kind=RoomKind.INFUSION_CHAIR, name=f"Chair {n}") for n in range(5)]
    infusion = service_of(ServiceKind.IV_INFUSION)
    long_visit = AppointmentFactory(
        patient=patient,
        clinician=clinician,
        room=rooms[2],
        service=infusion,
        starts_at=next_local(1, 10),
        ends_at=next_local(1, 12, 30),
    )
    day = next_local(1).date().isoformat()
    response = client_for(front_desk).get(
        reverse("scheduling:day-view"), {"location": folsom().pk, "day": day}
    )
    html = response.content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    columns = len(response.context["view"].columns)
    assert columns >= 5
    for row in body.split("<tr>")[1:]:
        assert row.count("<td") == columns
    assert html.count(f'data-testid="day-appointment-{long_visit.pk}"') == 1
    assert html.count(f"busy · {patient.display_name}") == 2  # 11:00 and 12:00
    assert "10:00-12:30" in html


def test_the_day_view_offers_each_status_what_may_follow(
    client_for, front_desk, clinician, patient
):
    scheduled = AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(1, 9))
    checked_in = AppointmentFactory(
        patient=PatientFactory(),
        clinician=clinician,
        starts_at=next_local(1, 11),
        status="checked_in",
    )
    done = AppointmentFactory(
        patient=PatientFactory(),
        clinician=clinician,
        starts_at=next_local(1, 13),
        status="completed",
    )
    day = next_local(1).date().isoformat()
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:day-view"), {"location": folsom().pk, "day": day})
        .content.decode()
    )

    def buttons(appointment):
        part = html.split(f'data-testid="day-appointment-{appointment.pk}"')[1]
        part = part.split('data-testid="day-appointment-')[0]
        form = part.split("</form>")[0] if "<form" in part else ""
        return [v.split('"')[0] for v in form.split('name="status" value="')[1:]], form

    values, form = buttons(scheduled)
    assert values == ["checked_in", "completed", "no_show", "cancelled"]
    assert reverse("scheduling:appointment-status", args=[scheduled.pk]) in form
    assert "csrfmiddlewaretoken" in form
    # A checked-in patient who leaves before the dose is marked no-show (issue 14).
    assert buttons(checked_in)[0] == ["completed", "no_show"]
    assert buttons(done)[0] == []


def test_a_day_view_button_posts_with_the_pages_csrf_token(front_desk, patient, clinician):
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, starts_at=next_local(1, 10)
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(front_desk)
    day = next_local(1).date().isoformat()
    html = client.get(
        reverse("scheduling:day-view"), {"location": folsom().pk, "day": day}
    ).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    url = reverse("scheduling:desk-appointment-cancel", args=[appointment.pk])
    reason = {"reason": "Booked in error"}
    assert client.post(url, reason).status_code == 403
    response = client.post(url, {**reason, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_each_person_gets_day_view_buttons_with_their_own_csrf_token(
    front_desk, patient, clinician
):
    first = AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(1, 10))
    second = AppointmentFactory(patient=patient, clinician=clinician, starts_at=next_local(1, 13))
    params = {"location": folsom().pk, "day": next_local(1).date().isoformat()}
    desks = []
    colleague = FrontDeskFactory()
    enrol_totp(colleague)  # staff sign in with a second factor
    for person in (front_desk, colleague):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        html = client.get(reverse("scheduling:day-view"), params).content.decode()
        tokens = {v.split('"')[0] for v in html.split('name="csrfmiddlewaretoken" value="')[1:]}
        assert len(tokens) == 1  # one token a page, in every form
        desks.append((client, tokens.pop()))
    (client_a, token_a), (client_b, token_b) = desks
    reason = {"reason": "Booked in error"}
    url = reverse("scheduling:desk-appointment-cancel", args=[first.pk])
    assert client_b.post(url, {**reason, "csrfmiddlewaretoken": token_a}).status_code == 403
    assert client_b.post(url, {**reason, "csrfmiddlewaretoken": token_b}).status_code == 302
    url = reverse("scheduling:desk-appointment-cancel", args=[second.pk])
    assert client_a.post(url, {**reason, "csrfmiddlewaretoken": token_a}).status_code == 302
    assert Appointment.objects.filter(pk__in=[first.pk, second.pk], status="cancelled").count() == 2


def test_the_day_view_shows_a_changed_visit_name_and_room_on_the_next_load(
    client_for, front_desk, patient, clinician
):
    chair = RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, starts_at=next_local(1, 10)
    )
    params = {"location": folsom().pk, "day": next_local(1).date().isoformat()}
    client = client_for(front_desk)

    def open_day():
        response = client.get(reverse("scheduling:day-view"), params)
        card = response.content.decode().split(f'data-testid="day-appointment-{appointment.pk}"')
        return card[1].split("</form>")[0]

    card = open_day()
    assert "Scheduled" in card
    assert 'value="cancelled"' in card
    url = reverse("scheduling:desk-appointment-cancel", args=[appointment.pk])
    assert client.post(url, {"reason": "Booked in error"}).status_code == 302
    card = open_day()
    assert "Cancelled" in card
    assert 'value="cancelled"' not in card
    # A patient's new name is a change too, though the visit's row is untouched.
    patient.patient_profile.preferred_name = "Renamed Person"
    patient.patient_profile.save()
    card = open_day()
    assert "Renamed Person" in card
    # So is a room's new name, in the grid's header.
    chair.name = "Chair by the window"
    chair.save()
    response = client.get(reverse("scheduling:day-view"), params)
    header = response.content.decode().split("<thead>")[1].split("</thead>")[0]
    assert "Chair by the window" in header
    assert "Chair 1<" not in header


def test_the_day_view_escapes_what_people_typed_on_its_cards(
    client_for, front_desk, clinician, therapy_room
):
    hostile = PatientFactory()
    hostile.patient_profile.preferred_name = "<script>alert('x')</script>"
    hostile.patient_profile.save()
    clinician.full_name = 'Dr "><img src=x onerror=alert(1)>'
    clinician.save()
    AppointmentFactory(
        patient=hostile,
        clinician=clinician,
        room=therapy_room,
        starts_at=next_local(1, 10),
        ends_at=next_local(1, 11, 30),
    )
    day = next_local(1).date().isoformat()
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:day-view"), {"location": folsom().pk, "day": day})
        .content.decode()
    )
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert '10:00-11:30 <span class="patient-identity"' in html
    assert "(&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;)" in html  # the preferred name
    assert "busy · &lt;script&gt;" in html  # the 11:00 row
    assert "Dr &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_day_view_keeps_a_bounded_number_of_queries(
    client_for, front_desk, django_assert_max_num_queries
):
    location = folsom()
    rooms = [RoomFactory(kind=RoomKind.INFUSION_CHAIR, name=f"Chair {n}") for n in range(10)]
    clinicians = [ClinicianFactory() for _ in range(10)]
    day = next_local(1).date()

    def fill(first: int, n: int) -> None:
        for i in range(first, first + n):
            AppointmentFactory(
                patient=PatientFactory(),
                clinician=clinicians[i % 10],
                room=rooms[i % 10],
                starts_at=next_local(1, 7 + 2 * (i // 10), 0),
                service=service_of(ServiceKind.CONSULTATION),
            )

    client = client_for(front_desk)
    params = {"location": location.pk, "day": day.isoformat()}
    fill(0, 2)
    # Session, user, MFA check, locations, rooms, the day's visits, and the session's
    # write (a savepoint, the update, its release).
    with django_assert_max_num_queries(9) as small:
        client.get(reverse("scheduling:day-view"), params)
    fill(2, 20)  # 10x more data (rows and patients)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("scheduling:day-view"), params)
    assert len(response.context["view"].appointments) == 22


def test_free_slots_queries_do_not_grow_with_days(
    clinician, therapy_room, django_assert_max_num_queries
):
    service = service_of(ServiceKind.CONSULTATION)
    start = next_local(1).date()
    # Service locations, hours, rooms, opening hours, busy times, settings (+ savepoints).
    with django_assert_max_num_queries(7) as one_day:
        free_slots(service=service, location=folsom(), start=start, end=start)
    with django_assert_max_num_queries(len(one_day.captured_queries)):
        found = free_slots(
            service=service, location=folsom(), start=start, end=start + dt.timedelta(days=13)
        )
    assert {s.room for s in found} == {therapy_room}


def test_the_front_desk_home_shows_queue_counts_and_the_day_view(client_for, front_desk):
    AppointmentRequestFactory.create_batch(3)
    page = client_for(front_desk).get(reverse("portal:front-desk-home")).content.decode()
    assert 'data-testid="panel-requests"' in page
    assert reverse("scheduling:day-view") in page
    assert reverse("scheduling:request-queue") in page


def test_the_desk_cannot_cancel_a_visit_without_a_reason(
    client_for, front_desk, patient, clinician
):
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, starts_at=next_local(3, 10)
    )
    url = reverse("scheduling:desk-appointment-cancel", args=[appointment.pk])
    client = client_for(front_desk)
    page = client.get(url)
    assert page.status_code == 200
    assert "Cancel this visit" in page.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    # "Other" needs words; what was typed stays in the form.
    response = client.post(url, {"reason": "other", "details": "  "})
    assert response.status_code == 200
    assert "details" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == "other"
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert not Notification.objects.filter(kind=Kind.APPOINTMENT_CANCELLED).exists()


def test_the_cancel_page_query_count_is_bounded(
    client_for, front_desk, patient, clinician, django_assert_max_num_queries
):
    appointment = AppointmentFactory(
        patient=patient, clinician=clinician, starts_at=next_local(3, 10)
    )
    url = reverse("scheduling:desk-appointment-cancel", args=[appointment.pk])
    client = client_for(front_desk)
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
