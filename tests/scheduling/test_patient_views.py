"""The patient's side: the request form (and the Medi-Cal rule), their list, cancelling,
asking to move a visit, the calendar file."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from portal.formats import format_when
from portal.notifications.kinds import Kind
from portal.notifications.rendering import render_message
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    PayerRule,
    SchedulingSettings,
    ServiceKind,
)
from scheduling.selectors import patient_panel
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    appointment_booked,
    folsom,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db

CREATE = "/scheduling/requests/new/"


def form_data(**overrides):
    today = timezone.localdate()
    data = {
        "service": service_of(ServiceKind.CONSULTATION).pk,
        "preferred_location": folsom().pk,
        "date_1": (today + dt.timedelta(days=3)).isoformat(),
        "time_1": "morning",
        "date_2": (today + dt.timedelta(days=4)).isoformat(),
        "time_2": "afternoon",
        "date_3": "",
        "time_3": "",
        "contact_preference": "text",
        "payer_kind": "self_pay",
        "plan_name": "",
        "note": "Mornings are easier for me.",
    }
    data.update(overrides)
    return data


def test_the_form_says_it_is_a_request_and_not_for_emergencies(client_for, patient):
    response = client_for(patient).get(CREATE)
    assert response.status_code == 200
    notice = response.content.decode()
    assert "The office will contact you to confirm" in notice
    assert "911" in notice
    assert "988" in notice


def test_a_self_pay_request_is_created_and_shown_as_waiting(client_for, patient):
    client = client_for(patient)
    response = client.post(CREATE, form_data())
    assert response.status_code == 302
    request = AppointmentRequest.objects.get(patient=patient)
    assert request.status == AppointmentRequest.Status.PENDING
    assert request.contact_preference == "text"
    assert len(request.windows) == 2
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the office" in page


def test_medi_cal_request_is_refused_and_keeps_the_form(client_for, patient):
    response = client_for(patient).post(
        CREATE, form_data(payer_kind="medi_cal", note="Please call after 3pm", time_2="evening")
    )
    assert response.status_code == 200
    assert not AppointmentRequest.objects.exists()
    form = response.context["form"]
    rule = PayerRule.objects.get(name="Medi-Cal")
    assert form.errors["payer_kind"] == [rule.message]
    html = response.content.decode()
    assert "does not currently accept Medi-Cal" in html
    assert "county" in rule.message
    assert "self-pay" in rule.message
    # Everything else typed stays.
    assert form["note"].value() == "Please call after 3pm"
    assert form["time_2"].value() == "evening"
    assert form["contact_preference"].value() == "text"
    assert 'value="Please call after 3pm"' in html or "Please call after 3pm</textarea>" in html


@pytest.mark.parametrize(
    ("payer_kind", "plan_name"),
    [
        ("commercial", "Anthem Blue Cross Medi-Cal"),
        ("other", "HealthNet MediCal"),
        ("commercial", "MEDI CAL"),
        ("other", "medical"),
    ],
)
def test_a_crafted_post_naming_medi_cal_creates_nothing(client_for, patient, payer_kind, plan_name):
    response = client_for(patient).post(
        CREATE, form_data(payer_kind=payer_kind, plan_name=plan_name)
    )
    assert response.status_code == 200
    assert "payer_kind" in response.context["form"].errors
    assert not AppointmentRequest.objects.exists()


def test_the_service_refuses_medi_cal_whatever_the_caller(patient):
    from django.core.exceptions import ValidationError

    from scheduling.services import appointment_request_create

    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        appointment_request_create(
            patient=patient,
            service=service_of(ServiceKind.CONSULTATION),
            preferred_location=folsom(),
            windows=[(today, "any"), (today + dt.timedelta(days=1), "any")],
            contact_preference="email",
            payer_kind="medi_cal",
        )
    assert "Medi-Cal" in excinfo.value.message_dict["payer_kind"][0]
    assert not AppointmentRequest.objects.exists()


def test_a_medi_cal_rule_effective_in_the_future_does_not_refuse_yet(client_for, patient):
    PayerRule.objects.update(not_accepted_from=timezone.localdate() + dt.timedelta(days=10))
    response = client_for(patient).post(CREATE, form_data(payer_kind="medi_cal"))
    assert response.status_code == 302
    assert AppointmentRequest.objects.filter(payer_kind="medi_cal").count() == 1


def test_self_pay_for_a_medi_cal_member_is_offered_only_when_the_clinic_allows(client_for, patient):
    client = client_for(patient)
    assert "pays_privately" not in client.get(CREATE).context["form"].fields
    refused = client.post(CREATE, form_data(payer_kind="medi_cal", pays_privately="on"))
    assert refused.status_code == 200
    settings_row = SchedulingSettings.load()
    settings_row.medi_cal_self_pay_allowed = True
    settings_row.save()
    accepted = client.post(CREATE, form_data(payer_kind="medi_cal", pays_privately="on"))
    assert accepted.status_code == 302
    assert AppointmentRequest.objects.get().pays_privately is True


def test_commercial_insurance_needs_a_plan_name(client_for, patient):
    response = client_for(patient).post(CREATE, form_data(payer_kind="commercial"))
    assert "plan_name" in response.context["form"].errors


def test_a_past_day_or_a_missing_window_is_refused(client_for, patient):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client_for(patient).post(CREATE, form_data(date_1=yesterday, date_2=""))
    errors = response.context["form"].errors
    assert "date_1" in errors
    assert "date_2" in errors
    assert not AppointmentRequest.objects.exists()


def test_garbage_input_is_a_form_error_not_a_500(client_for, patient):
    response = client_for(patient).post(
        CREATE, form_data(service="999999", preferred_location="x", date_1="31/31/2020")
    )
    assert response.status_code == 200
    assert not AppointmentRequest.objects.exists()


def test_request_form_anonymous_staff_and_wrong_method(client_for, front_desk):
    assert client_for(None).get(CREATE).status_code == 302
    assert client_for(front_desk).get(CREATE).status_code == 403
    assert client_for(front_desk).post(CREATE, form_data()).status_code == 403
    assert not AppointmentRequest.objects.exists()


def test_a_patient_cancels_their_pending_request(client_for, patient, other_patient):
    request = AppointmentRequestFactory(patient=patient)
    url = reverse("scheduling:request-cancel", args=[request.pk])
    assert client_for(other_patient).post(url).status_code == 404
    assert client_for(patient).get(url).status_code == 405
    assert client_for(patient).post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == AppointmentRequest.Status.CANCELLED
    # A second cancel is refused politely.
    response = client_for(patient).post(url, follow=True)
    assert "still waiting" in response.content.decode()


def test_the_patient_sees_a_decline_reason_in_the_portal(client_for, patient, other_patient):
    AppointmentRequestFactory(
        patient=patient, status="declined", decline_reason="We are fully booked that week."
    )
    page = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    assert "We are fully booked that week." in page
    # What the decline message promises is there: the reason, and a way to ask again.
    assert f'href="{reverse("scheduling:request-create")}" data-testid="request-again"' in page
    message = render_message(Kind.REQUEST_DECLINED, {"url": "https://portal.example/a"})
    assert "other times and options" not in message.text + message.html
    assert "ask for another time" in message.text
    other_page = client_for(other_patient).get(reverse("scheduling:appointment-list"))
    assert "fully booked" not in other_page.content.decode()


def test_the_ics_names_location_and_time_only(client_for, patient, other_patient, front_desk):
    appointment = appointment_booked(patient=patient, starts_at=next_local(3, 10))
    url = reverse("scheduling:appointment-ics", args=[appointment.pk])
    response = client_for(patient).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at
    assert "Folsom" in str(event.get("location"))
    text = response.content.decode().lower()
    for word in ("consultation", "psychiatric", "ketamine", "spravato", "infusion", "kap"):
        assert word not in text
    assert client_for(other_patient).get(url).status_code == 404
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(patient).post(url).status_code == 405


def test_the_ics_of_a_dosing_visit_does_not_name_the_treatment(client_for, patient):
    appointment = appointment_booked(patient=patient, starts_at=next_local(3, 10))
    Appointment.objects.filter(pk=appointment.pk).update(service=service_of(ServiceKind.SPRAVATO))
    text = (
        client_for(patient)
        .get(reverse("scheduling:appointment-ics", args=[appointment.pk]))
        .content.decode()
        .lower()
    )
    assert "spravato" not in text
    assert "esketamine" not in text


def test_a_late_cancellation_is_warned_and_recorded(client_for, patient, other_patient):
    appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    url = reverse("scheduling:appointment-cancel", args=[appointment.pk])
    assert client_for(other_patient).post(url).status_code == 404
    with time_machine.travel(appointment.starts_at - dt.timedelta(hours=3)):
        page = client_for(patient).get(url)
        assert page.context["late"] is True
        assert client_for(patient).post(url, {"reason": "Car trouble"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.late_cancellation is True
    assert appointment.cancel_reason == "Car trouble"


def test_a_patient_asks_to_reschedule_and_the_request_reaches_the_queue(
    client_for, patient, other_patient, front_desk
):
    appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    url = reverse("scheduling:appointment-reschedule", args=[appointment.pk])
    today = timezone.localdate()
    data = {
        "date_1": (today + dt.timedelta(days=5)).isoformat(),
        "time_1": "morning",
        "date_2": (today + dt.timedelta(days=6)).isoformat(),
        "time_2": "any",
        "note": "",
    }
    assert client_for(other_patient).post(url, data).status_code == 404
    assert client_for(patient).post(url, data).status_code == 302
    moved = AppointmentRequest.objects.get(reschedule_of=appointment)
    assert moved.status == "pending"
    queue = client_for(front_desk).get(reverse("scheduling:request-queue"))
    assert moved.pk in [row.pk for row in queue.context["rows"]]
    # Asking twice is refused, not duplicated.
    again = client_for(patient).post(url, data)
    assert again.status_code == 200
    assert AppointmentRequest.objects.filter(reschedule_of=appointment).count() == 1


def test_the_patient_home_lists_the_next_three_visits_in_clinic_time(
    client_for, patient, other_patient
):
    first = next_local(2, 10)
    appointment_booked(patient=patient, starts_at=first)
    appointment_booked(patient=patient, starts_at=next_local(3, 9, 30))
    appointment_booked(
        patient=patient, service=service_of(ServiceKind.INTEGRATION), starts_at=next_local(4, 14)
    )
    appointment_booked(patient=patient, starts_at=next_local(9, 11))
    appointment_booked(patient=other_patient, starts_at=next_local(2, 15))
    AppointmentRequestFactory(patient=patient)
    page = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    panel = page.split('data-testid="panel-appointments"')[1].split('data-testid="panel-')[0]
    # One time style on patient pages: US 12-hour in clinic time (portal.formats).
    assert f"<strong>{format_when(first)}</strong> · Folsom" in panel
    assert ", 9:30 AM</strong> · Folsom" in panel
    assert ", 2:00 PM</strong> · Telehealth (video)" in panel
    assert ", 11:00 AM</strong>" not in panel  # the fourth visit waits for "All appointments"
    assert ", 3:00 PM</strong>" not in panel  # another patient's
    assert "1 request waiting for the office." in panel


def test_the_patient_home_panel_reads_visits_and_waiting_requests_in_one_query(
    patient, other_patient, django_assert_num_queries
):
    # Requests for KAP: the consultations booked below answer none of them.
    kap = service_of(ServiceKind.KAP)
    AppointmentRequestFactory(patient=patient, service=kap)
    AppointmentRequestFactory(patient=patient, service=kap)
    AppointmentRequestFactory(patient=other_patient, service=kap)
    with django_assert_num_queries(1):
        panel = patient_panel(patient=patient)
    assert panel == {"upcoming": [], "pending_requests": 2}  # no visit booked yet
    first = next_local(2, 10)
    appointment_booked(patient=patient, starts_at=first)
    for days in (3, 4, 5):
        appointment_booked(patient=patient, starts_at=next_local(days, 9))
    appointment_booked(patient=other_patient, starts_at=next_local(1, 9))
    with django_assert_num_queries(1):
        panel = patient_panel(patient=patient)
    assert panel["pending_requests"] == 2
    assert [row.starts_at for row in panel["upcoming"]] == [
        first,
        next_local(3, 9),
        next_local(4, 9),
    ]
    assert panel["upcoming"][0].where == "Folsom"
    assert patient_panel(patient=other_patient)["pending_requests"] == 1


def test_the_patient_home_shows_upcoming_visits_and_the_request_link(client_for, patient):
    appointment_booked(patient=patient, starts_at=next_local(2, 10))
    page = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert 'data-testid="panel-appointments"' in page
    assert reverse("scheduling:request-create") in page
    assert "Folsom" in page
