"""Before the dose: preparation, the escort and their text, the evening readiness check,
its gate on the chart, the desk's call list, and the next-morning check-in."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.modalities import Modality
from portal.audit import AuditEvent
from portal.notifications.dispatch import notifications_dispatch_due
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.rendering import render_message
from scheduling.models import Appointment
from tests.notifications.test_privacy import FORBIDDEN
from tests.scheduling.factories import AppointmentFactory, service_of
from tests.treatments.conftest import MONDAY_MORNING, PACIFIC
from tests.treatments.factories import (
    DISCHARGE_OK,
    PRE_DOSE_OK,
    backdate_spravato_clock,
    course_started,
    dose_values,
    session_discharged,
)
from treatments import readiness, selectors, services
from treatments.models import DosingSession, Escort, Preparation, ReadinessCheck
from treatments.services import ChartSection

pytestmark = pytest.mark.django_db

READY = {
    "ride_confirmed": True,
    "fasting_understood": True,
    "new_benzodiazepine": False,
    "new_opioid": False,
    "new_stimulant": False,
    "feeling_unwell": False,
    "nasal_spray_timing_understood": True,
}


def spravato_visit(patient, at: dt.datetime) -> Appointment:
    return AppointmentFactory(
        patient=patient, service=service_of("spravato"), starts_at=at, status="scheduled"
    )


def check_in(visit: Appointment) -> Appointment:
    from django.utils import timezone

    Appointment.objects.filter(pk=visit.pk).update(
        status=Appointment.Status.CHECKED_IN, status_changed_at=timezone.now()
    )
    visit.refresh_from_db()
    return visit


def escort_named(patient, *, consent: bool = True, phone: str = "(916) 555-0189") -> Escort:
    return services.escort_save(
        patient=patient,
        name="Sam Rivera",
        phone=phone,
        relationship="partner",
        consent_to_text=consent,
    )


# ---------------------------------------------------------------- the pure rules


@pytest.mark.parametrize(
    ("changes", "modality", "status", "gated"),
    [
        ({}, "spravato", readiness.READY, False),
        ({"ride_confirmed": False}, "iv", readiness.NOT_READY, True),
        ({"fasting_understood": False}, "kap", readiness.NOT_READY, True),
        ({"new_benzodiazepine": True}, "iv", readiness.NOT_READY, True),
        ({"new_opioid": True}, "spravato", readiness.NOT_READY, True),
        ({"new_stimulant": True}, "iv", readiness.NEEDS_A_LOOK, False),
        ({"feeling_unwell": True}, "iv", readiness.NEEDS_A_LOOK, False),
        ({"nasal_spray_timing_understood": False}, "spravato", readiness.NEEDS_A_LOOK, False),
        ({"nasal_spray_timing_understood": False}, "iv", readiness.READY, False),
        ({"ride_confirmed": False, "feeling_unwell": True}, "iv", readiness.NOT_READY, True),
    ],
)
def test_the_evening_answers_decide_ready_needs_a_look_or_not_ready(
    changes, modality, status, gated
):
    result = readiness.readiness(readiness.Answers(**{**READY, **changes}), modality=modality)
    assert result.status == status
    assert bool(result.gate) == gated


def test_no_answer_is_no_answer_and_no_gate():
    assert readiness.readiness(None, modality="iv") == readiness.Readiness(
        readiness.NO_ANSWER, (), ()
    )


@pytest.mark.parametrize(
    ("named", "ride", "state"),
    [
        (False, None, "missing"),
        (False, True, "missing"),
        (True, None, "named"),
        (True, False, "named"),
        (True, True, "confirmed"),
    ],
)
def test_the_escort_is_missing_named_or_confirmed(named, ride, state):
    assert readiness.escort_state(named=named, ride_confirmed=ride) == state


@pytest.mark.parametrize(
    ("ready", "pickup"),
    [
        (dt.datetime(2026, 3, 2, 15, 36, 10, tzinfo=dt.UTC), (15, 40)),
        (dt.datetime(2026, 3, 2, 15, 40, tzinfo=dt.UTC), (15, 40)),
        (dt.datetime(2026, 3, 2, 15, 40, 1, tzinfo=dt.UTC), (15, 45)),
        (dt.datetime(2026, 3, 2, 15, 58, tzinfo=dt.UTC), (16, 0)),
    ],
)
def test_pickup_is_at_about_the_next_five_minutes(ready, pickup):
    moment = readiness.pickup_time(ready)
    assert (moment.hour, moment.minute) == pickup


# ---------------------------------------------------------------- preparation


def test_preparation_is_clinic_data_for_the_visits_modality_and_every_visit():
    spravato = selectors.preparation_for("spravato")
    assert any("2 hours" in line for line in spravato)
    assert any("30 minutes" in line for line in spravato)
    assert any("1 hour before" in line for line in spravato)
    assert any("adult to take you home" in line for line in spravato)
    assert any("medicine" in line for line in spravato)
    iv = selectors.preparation_for("iv")
    assert not any("30 minutes" in line for line in iv)
    assert any("adult to take you home" in line for line in iv)
    Preparation.objects.create(modality="iv", text="Wear a short-sleeved top.", order=5)
    assert "Wear a short-sleeved top." in selectors.preparation_for("iv")


def test_a_booked_visit_shows_get_ready_on_home_and_its_page(client_for, patient, monday):
    course_started(patient, Modality.SPRAVATO)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(days=3, hours=3))
    home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert "Get ready for Thursday" in home
    assert reverse("treatments:my-visit", args=[visit.pk]) in home
    page = client_for(patient).get(reverse("treatments:my-visit", args=[visit.pk]))
    html = page.content.decode()
    assert "Do not eat for 2 hours" in html
    assert "Name your escort" in html


def test_another_patients_visit_page_is_not_found(client_for, patient, other_patient, monday):
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(days=1))
    for name in ("treatments:my-visit", "treatments:readiness", "treatments:visit-escort"):
        url = reverse(name, args=[visit.pk])
        assert client_for(other_patient).get(url).status_code == 404


# ---------------------------------------------------------------- the escort


def test_an_escort_needs_a_textable_number_and_a_refusal_writes_nothing(patient):
    with pytest.raises(ValidationError) as caught:
        services.escort_save(
            patient=patient, name="Sam", phone="555", relationship="friend", consent_to_text=True
        )
    assert "phone" in caught.value.message_dict
    assert not Escort.objects.exists()


def test_the_escort_form_keeps_what_was_typed(client_for, patient):
    response = client_for(patient).post(
        reverse("treatments:my-escort"),
        {"name": "Sam Rivera", "phone": "12", "relationship": "partner"},
    )
    assert response.status_code == 200
    assert 'value="Sam Rivera"' in response.content.decode()
    assert not Escort.objects.exists()


def test_a_visits_own_escort_wins_over_the_default(patient, monday):
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(days=1))
    escort_named(patient)
    assert services.escort_for_visit(appointment=visit).name == "Sam Rivera"
    services.escort_save(
        patient=patient,
        appointment=visit,
        name="Alex Kim",
        phone="9165550100",
        relationship="friend",
        consent_to_text=False,
    )
    assert services.escort_for_visit(appointment=visit).name == "Alex Kim"


def _gate_clear_session(patient, clinician, monday, *, consent: bool = True) -> DosingSession:
    course_started(patient, Modality.SPRAVATO, clinician=clinician)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(hours=2))
    escort_named(patient, consent=consent)
    services.readiness_check_submit(appointment=visit, patient=patient, **READY)
    monday.move_to(MONDAY_MORNING + dt.timedelta(hours=2))
    session = services.session_start(appointment=check_in(visit), by=clinician)
    # The chart is pre-filled from the named escort and the evening check.
    assert (session.escort_name, session.escort_phone) == ("Sam Rivera", "(916) 555-0189")
    assert session.fasted is True
    assert session.nasal_spray_timing_ok is True
    for section, values in (
        (ChartSection.PRE_DOSE, PRE_DOSE_OK),
        (ChartSection.DOSE, dose_values(Modality.SPRAVATO)),
    ):
        services.session_record(session=session, by=clinician, section=section, values=values)
    backdate_spravato_clock(session)
    services.session_record(
        session=session, by=clinician, section=ChartSection.DISCHARGE, values=DISCHARGE_OK
    )
    session.refresh_from_db()
    assert services.session_discharge_gaps(session) == []
    return session


def test_tell_the_escort_queues_one_text_with_time_and_place_only(
    patient, clinician, monday, caplog
):
    session = _gate_clear_session(patient, clinician, monday)
    services.escort_tell(session=session, by=clinician)
    services.escort_tell(session=session, by=clinician)
    [text] = Notification.objects.filter(kind=Kind.ESCORT_PICKUP)
    assert text.to_phone == "(916) 555-0189"
    assert text.channel == "sms"
    message = render_message(text.kind, text.context)
    assert "will be ready for pickup at" in message.sms
    assert session.appointment.location.address in message.sms
    for part in (message.subject, message.text, message.html, message.sms):
        assert not FORBIDDEN.findall(part), part
    with caplog.at_level(logging.INFO, logger="portal.notifications.channels"):
        assert notifications_dispatch_due().sent >= 1
    assert "***0189" in caplog.text
    assert not [m for m in mail.outbox if "Pickup" in m.subject]  # a text, never an email


def test_an_escort_is_never_texted_without_the_patients_consent(
    client_for, patient, clinician, monday
):
    session = _gate_clear_session(patient, clinician, monday, consent=False)
    with pytest.raises(ValidationError, match="not agreed"):
        services.escort_tell(session=session, by=clinician)
    response = client_for(clinician).post(
        reverse("treatments:session-tell-escort", args=[session.pk])
    )
    assert response.status_code == 302
    assert not Notification.objects.filter(kind=Kind.ESCORT_PICKUP).exists()


def test_an_escort_is_not_texted_at_a_number_the_patient_did_not_give(patient, clinician, monday):
    session = _gate_clear_session(patient, clinician, monday)
    services.session_record(
        session=session,
        by=clinician,
        section=ChartSection.DISCHARGE,
        values={**DISCHARGE_OK, "escort_phone": "(916) 555-0111"},
    )
    with pytest.raises(ValidationError, match="not the one the patient agreed"):
        services.escort_tell(session=session, by=clinician)
    assert not Notification.objects.filter(kind=Kind.ESCORT_PICKUP).exists()


def test_an_escort_is_not_told_before_the_discharge_gate_is_clear(patient, clinician, monday):
    course_started(patient, Modality.SPRAVATO, clinician=clinician)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(minutes=30))
    escort_named(patient)
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=30))
    session = services.session_start(appointment=check_in(visit), by=clinician)
    with pytest.raises(ValidationError, match="discharge gate is not clear"):
        services.escort_tell(session=session, by=clinician)
    assert not Notification.objects.filter(kind=Kind.ESCORT_PICKUP).exists()


def test_an_escort_text_is_never_sent_by_email(patient, clinician, monday, settings):
    session = _gate_clear_session(patient, clinician, monday)
    services.escort_tell(session=session, by=clinician)
    settings.SMS_PROVIDER = "disabled"
    result = notifications_dispatch_due()
    assert result.failed == 1
    assert Notification.objects.get(kind=Kind.ESCORT_PICKUP).status == "failed"
    assert not [m for m in mail.outbox if "Pickup" in m.subject]


# ---------------------------------------------------------------- the evening check and its gate


def test_no_ride_blocks_the_dose_until_a_clinician_records_a_reason(
    client_for, patient, clinician, monday
):
    course_started(patient, Modality.SPRAVATO, clinician=clinician)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(hours=2))
    services.readiness_check_submit(
        appointment=visit, patient=patient, **{**READY, "ride_confirmed": False}
    )
    monday.move_to(MONDAY_MORNING + dt.timedelta(hours=2))
    session = services.session_start(appointment=check_in(visit), by=clinician)
    services.session_record(
        session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
    )
    with pytest.raises(ValidationError, match="No ride home"):
        services.session_record(
            session=session,
            by=clinician,
            section=ChartSection.DOSE,
            values=dose_values(Modality.SPRAVATO),
        )
    session.refresh_from_db()
    assert session.dose_given_at is None
    chart = reverse("treatments:session-chart", args=[session.pk])
    html = client_for(clinician).get(chart).content.decode()
    assert "not ready" in html
    assert "Proceed with this reason" in html
    # A blank reason is refused; a reason is recorded and audited, then the dose goes.
    override = reverse("treatments:session-readiness-override", args=[session.pk])
    client_for(clinician).post(override, {"reason": "   "})
    session.refresh_from_db()
    assert session.readiness_override_reason == ""
    client_for(clinician).post(override, {"reason": "Sister waiting in the lobby to drive."})
    session.refresh_from_db()
    assert session.readiness_override_by == clinician
    assert AuditEvent.objects.filter(action="treatments.session.readiness_overridden").exists()
    services.session_record(
        session=session, by=clinician, section=ChartSection.DOSE, values=dose_values("spravato")
    )
    session.refresh_from_db()
    assert session.dose_given_at is not None


def test_the_desk_may_not_override_the_readiness_gate(patient, clinician, front_desk, monday):
    course_started(patient, Modality.SPRAVATO, clinician=clinician)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(hours=2))
    services.readiness_check_submit(
        appointment=visit, patient=patient, **{**READY, "new_opioid": True}
    )
    monday.move_to(MONDAY_MORNING + dt.timedelta(hours=2))
    session = services.session_start(appointment=check_in(visit), by=clinician)
    assert session.opioid is True  # the evening answer pre-ticks the chart's medicines
    with pytest.raises(Exception, match="clinician"):
        services.session_readiness_override(session=session, by=front_desk, reason="fine")
    session.refresh_from_db()
    assert session.readiness_override_reason == ""


def test_an_unanswered_check_puts_the_patient_on_the_call_list(
    client_for, patient, front_desk, monday
):
    # Tuesday 3 March, 10:00; the clinic wants answers by 21:00 on Monday.
    visit = spravato_visit(patient, MONDAY_MORNING.replace(hour=10) + dt.timedelta(days=1))
    monday.move_to(MONDAY_MORNING.replace(hour=20, minute=59))
    assert selectors.call_list() == []
    monday.move_to(MONDAY_MORNING.replace(hour=21))
    [row] = selectors.call_list()
    assert row.appointment_id == visit.pk
    page = client_for(front_desk).get(reverse("treatments:call-list")).content.decode()
    assert patient.display_name in page
    home = client_for(front_desk).get(reverse("portal:front-desk-home")).content.decode()
    assert "1 patient to call" in home
    # An answer takes them off it.
    monday.move_to(MONDAY_MORNING.replace(hour=21, minute=30))
    services.readiness_check_submit(appointment=visit, patient=patient, **READY)
    assert selectors.call_list() == []


def test_the_day_view_shows_escort_and_readiness(client_for, patient, front_desk, monday):
    visit = spravato_visit(patient, MONDAY_MORNING.replace(hour=10))
    day_view = reverse("scheduling:day-view") + f"?location={visit.location_id}&day=2026-03-02"
    html = client_for(front_desk).get(day_view).content.decode()
    assert "Escort: missing" in html
    assert "Evening check: no answer" in html
    escort_named(patient)
    services.readiness_check_submit(appointment=visit, patient=patient, **READY)
    html = client_for(front_desk).get(day_view).content.decode()
    assert "Escort: confirmed" in html
    assert "Evening check: ready" in html


def test_the_readiness_form_asks_spravato_patients_about_the_nasal_spray(
    client_for, patient, monday
):
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(days=1))
    url = reverse("treatments:readiness", args=[visit.pk])
    assert "nasal" in client_for(patient).get(url).content.decode()
    answers = {k: str(v) for k, v in READY.items() if k != "nasal_spray_timing_understood"}
    response = client_for(patient).post(url, answers)
    assert response.status_code == 200  # kept, with the missing answer asked for
    assert not ReadinessCheck.objects.exists()
    response = client_for(patient).post(url, {**answers, "nasal_spray_timing_understood": "True"})
    assert response.status_code == 302
    assert ReadinessCheck.objects.get().ride_confirmed is True


# ---------------------------------------------------------------- the evening message


def _visit_at(patient, local: dt.datetime) -> Appointment:
    return spravato_visit(patient, local)


@pytest.mark.parametrize(
    ("visit_local", "expected_local"),
    [
        # Sunday 14 March 2027 the clocks go forward; the check is at 18:00 on the clock.
        (
            dt.datetime(2027, 3, 15, 10, 0, tzinfo=PACIFIC),
            dt.datetime(2027, 3, 14, 18, 0, tzinfo=PACIFIC),
        ),
        (
            dt.datetime(2027, 3, 14, 10, 0, tzinfo=PACIFIC),
            dt.datetime(2027, 3, 13, 18, 0, tzinfo=PACIFIC),
        ),
        # Sunday 7 November 2027 they go back.
        (
            dt.datetime(2027, 11, 8, 10, 0, tzinfo=PACIFIC),
            dt.datetime(2027, 11, 7, 18, 0, tzinfo=PACIFIC),
        ),
        (
            dt.datetime(2027, 11, 7, 10, 0, tzinfo=PACIFIC),
            dt.datetime(2027, 11, 6, 18, 0, tzinfo=PACIFIC),
        ),
    ],
)
def test_the_evening_check_goes_at_the_clinics_hour_on_daylight_saving_days(
    patient, visit_local, expected_local
):
    visit_at = visit_local
    with time_machine.travel(visit_at - dt.timedelta(days=1, hours=12), tick=False):
        visit = _visit_at(patient, visit_at)
        assert services.readiness_checks_schedule() == 1
        assert services.readiness_checks_schedule() == 0  # idempotent
    row = Notification.objects.get(kind=Kind.READINESS_CHECK)
    assert row.send_at == expected_local
    assert row.send_at.astimezone(PACIFIC).hour == 18
    assert reverse("treatments:readiness", args=[visit.pk]) in row.context["url"]


def test_a_texted_evening_check_waits_for_the_end_of_quiet_hours(patient):
    NotificationPreference.objects.create(
        user=patient,
        channel="sms",
        quiet_hours_start=dt.time(17, 0),
        quiet_hours_end=dt.time(8, 0),
    )
    # Monday 15 March 2027, 10:00, the day after the clocks went forward.
    visit_at = dt.datetime(2027, 3, 15, 10, 0, tzinfo=PACIFIC)
    with time_machine.travel(dt.datetime(2027, 3, 13, 22, 0, tzinfo=PACIFIC), tick=False):
        _visit_at(patient, visit_at)
        services.readiness_checks_schedule()
    row = Notification.objects.get(kind=Kind.READINESS_CHECK)
    assert row.channel == "sms"
    assert row.send_at == dt.datetime(2027, 3, 15, 8, 0, tzinfo=PACIFIC)


def test_answering_cancels_the_evening_message(patient):
    visit_at = dt.datetime(2027, 3, 15, 10, 0, tzinfo=PACIFIC)
    with time_machine.travel(dt.datetime(2027, 3, 14, 9, 0, tzinfo=PACIFIC), tick=False):
        visit = _visit_at(patient, visit_at)
        services.readiness_checks_schedule()
        services.readiness_check_submit(appointment=visit, patient=patient, **READY)
        assert services.readiness_checks_schedule() == 0
    assert Notification.objects.get(kind=Kind.READINESS_CHECK).status == "cancelled"


# ---------------------------------------------------------------- the next-morning check-in


def test_the_check_in_opens_the_next_morning_not_the_same_evening(
    client_for, patient, clinician, monday
):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    opens = services.checkin_opens_at(session)
    assert opens == dt.datetime(2026, 3, 3, 10, 0, tzinfo=PACIFIC)
    monday.move_to(MONDAY_MORNING.replace(hour=20))
    url = reverse("treatments:checkin", args=[session.pk])
    html = client_for(patient).get(url).content.decode()
    assert 'data-testid="checkin-not-open"' in html
    assert "Do not drive" in html
    with pytest.raises(ValidationError, match="opens"):
        services.aftercare_checkin_submit(
            session=session,
            patient=patient,
            nausea="none",
            dizziness="none",
            bp_concern=False,
            self_harm_thoughts=False,
        )
    monday.move_to(opens)
    html = client_for(patient).get(url).content.decode()
    assert "How did you sleep?" in html
    assert "restful sleep" in html
    response = client_for(patient).post(
        url,
        {
            "nausea": "none",
            "dizziness": "none",
            "bp_concern": "False",
            "self_harm_thoughts": "False",
            "sleep": "poorly",
            "lingering_effects": "True",
        },
    )
    assert response.status_code == 302
    checkin = session.checkin
    checkin.refresh_from_db()
    assert (checkin.sleep, checkin.lingering_effects) == ("poorly", True)


def test_the_day_views_escort_column_costs_the_same_for_one_dose_or_ten(
    client_for, front_desk, django_assert_max_num_queries, monday
):
    from tests.factories import PatientFactory

    def doses(first: int, n: int) -> None:
        for i in range(first, first + n):
            patient = PatientFactory()
            visit = spravato_visit(
                patient, MONDAY_MORNING.replace(hour=8) + dt.timedelta(minutes=i)
            )
            escort_named(patient)
            services.readiness_check_submit(appointment=visit, patient=patient, **READY)

    doses(0, 1)
    client = client_for(front_desk)
    url = reverse("scheduling:day-view") + "?day=2026-03-02"
    client.get(url)
    with django_assert_max_num_queries(14) as one:
        client.get(url)
    doses(1, 9)
    with django_assert_max_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert html.count("Evening check: ready") == 10


def test_an_escort_text_keeps_to_its_number_when_the_patient_changes_channel(
    patient, clinician, monday
):
    from portal.notifications.services import notification_preference_update

    session = _gate_clear_session(patient, clinician, monday)
    monday.move_to(MONDAY_MORNING.replace(hour=23))  # inside the patient's quiet hours
    text = services.escort_tell(session=session, by=clinician)
    assert text.send_at == MONDAY_MORNING.replace(hour=23)  # the escort is told now
    notification_preference_update(
        user=patient,
        channel="email",
        quiet_hours_start=dt.time(21, 0),
        quiet_hours_end=dt.time(8, 0),
    )
    text.refresh_from_db()
    assert (text.channel, text.to_phone) == ("sms", "(916) 555-0189")
