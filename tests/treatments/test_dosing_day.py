"""The dosing day as one safe flow (issue 14, the chart side): a dose is charted from
today's checked-in visit, on the server's clock; Spravato REMS is complete; a visit
marked no-show closes its chart; a second dosing course needs a prescriber's reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake import steps
from intake.modalities import Modality
from intake.models import Intake
from portal.audit import AuditEvent
from scheduling.models import Appointment
from scheduling.services import appointment_set_status
from tests.factories import FrontDeskFactory
from tests.scheduling.factories import AppointmentFactory, next_local, service_of
from tests.treatments.conftest import MONDAY_MORNING
from tests.treatments.factories import (
    DISCHARGE_OK,
    PRE_DOSE_OK,
    course_started,
    dose_values,
    session_charted,
    session_discharged,
    session_opened,
    visit_checked_in,
)
from treatments import selectors, services
from treatments.models import Course, DosingSession
from treatments.services import ChartSection

pytestmark = pytest.mark.django_db


def visit_for(course: Course, *, starts_at: dt.datetime, status: str = "scheduled"):
    """Book the course's first planned dose directly (the booking rules are scheduling's)."""
    planned = course.planned.order_by("sequence").first()
    planned.appointment = AppointmentFactory(
        patient=course.patient,
        service=service_of("spravato" if course.modality == "spravato" else "iv_infusion"),
        starts_at=starts_at,
        status=status,
    )
    planned.save()
    return planned.appointment


# ---------------------------------------------------------------- the chart opens from its visit


def test_a_chart_is_refused_for_a_visit_two_days_away(patient, clinician, monday):
    course = course_started(patient, clinician=clinician)
    visit = visit_for(course, starts_at=next_local(2, 10), status="checked_in")
    with pytest.raises(ValidationError, match="its chart opens on the day"):
        services.session_start(appointment=visit, by=clinician)
    assert not DosingSession.objects.exists()


def test_a_chart_is_refused_for_a_visit_today_before_check_in(
    client_for, patient, clinician, monday
):
    course = course_started(patient, clinician=clinician)
    visit = visit_for(course, starts_at=next_local(0, 10))
    with pytest.raises(ValidationError, match="not checked in yet"):
        services.session_start(appointment=visit, by=clinician)
    # The course page says why instead of offering "Start chart"; a crafted post is refused.
    client = client_for(clinician)
    html = client.get(reverse("treatments:course-detail", args=[course.pk])).content.decode()
    assert "The patient is not checked in yet: the chart opens after check-in." in html
    assert "Start chart" not in html
    response = client.post(reverse("treatments:session-start", args=[visit.pk]), follow=True)
    assert "not checked in yet" in response.content.decode()
    assert not DosingSession.objects.exists()


def test_after_check_in_the_chart_opens_from_the_visit(patient, clinician, monday):
    course = course_started(patient, clinician=clinician)
    visit = visit_for(course, starts_at=next_local(0, 10))
    appointment_set_status(
        appointment=visit, status=Appointment.Status.CHECKED_IN, by=FrontDeskFactory()
    )
    session = services.session_start(appointment=visit, by=clinician)
    assert session.appointment == visit
    assert session.planned == course.planned.order_by("sequence").first()
    assert session.checked_in_at == MONDAY_MORNING
    with pytest.raises(ValidationError, match="already charted"):
        services.session_start(appointment=visit, by=clinician)


def test_a_nurse_checks_the_patient_in_from_the_board_and_then_opens_the_chart(
    client_for, patient, nurse, clinician, monday
):
    course = course_started(patient, clinician=clinician)
    visit = visit_for(course, starts_at=next_local(0, 10))
    client = client_for(nurse)
    board = client.get(reverse("treatments:session-board")).content.decode()
    check_in = reverse("treatments:visit-check-in", args=[visit.pk])
    assert f'action="{check_in}"' in board
    client.post(check_in)
    visit.refresh_from_db()
    assert visit.status == Appointment.Status.CHECKED_IN
    assert visit.status_changed_by == nurse
    board = client.get(reverse("treatments:session-board")).content.decode()
    assert reverse("treatments:session-start", args=[visit.pk]) in board
    response = client.post(reverse("treatments:session-start", args=[visit.pk]))
    session = DosingSession.objects.get(appointment=visit)
    assert response["Location"] == reverse("treatments:session-chart", args=[session.pk])


def test_a_visit_two_days_away_cannot_be_checked_in_from_the_board(
    client_for, patient, nurse, clinician, monday
):
    course = course_started(patient, clinician=clinician)
    visit = visit_for(course, starts_at=next_local(2, 10))
    client_for(nurse).post(reverse("treatments:visit-check-in", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.status == Appointment.Status.SCHEDULED


def test_a_dosing_visit_booked_from_the_queue_charts_the_courses_next_dose(
    patient, clinician, monday
):
    course = course_started(patient, clinician=clinician)
    visit = visit_checked_in(patient, Modality.IV)  # on no plan yet
    session = services.session_start(appointment=visit, by=clinician)
    assert session.planned.sequence == 1
    assert session.planned.appointment == visit
    assert session.course == course


def test_discharge_completes_the_visit(patient, clinician, monday):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    session.appointment.refresh_from_db()
    assert session.appointment.status == Appointment.Status.COMPLETED


# ---------------------------------------------------------------- no-show closes the chart


def test_a_no_show_closes_the_chart_as_not_given_and_frees_the_planned_dose(
    patient, clinician, monday
):
    course = course_started(patient, clinician=clinician)
    session = session_opened(course, by=clinician)
    planned = session.planned
    appointment_set_status(
        appointment=session.appointment, status=Appointment.Status.NO_SHOW, by=FrontDeskFactory()
    )
    session.refresh_from_db()
    planned.refresh_from_db()
    assert session.status == DosingSession.Status.ABANDONED
    assert session.planned is None
    assert planned.appointment is None  # to be booked again
    with pytest.raises(ValidationError, match="closed"):
        services.session_record(
            session=session, by=clinician, section=ChartSection.PRE_DOSE, values=PRE_DOSE_OK
        )
    view = selectors.course_page_for_staff(course_id=course.pk)
    assert view.label == "infusion 0 of 6"


def test_a_visit_whose_dose_was_given_cannot_be_marked_no_show(patient, clinician, monday):
    session = session_charted(
        session_opened(course_started(patient, clinician=clinician), by=clinician),
        by=clinician,
    )
    with pytest.raises(ValidationError, match="The dose was given"):
        appointment_set_status(
            appointment=session.appointment,
            status=Appointment.Status.NO_SHOW,
            by=FrontDeskFactory(),
        )
    session.appointment.refresh_from_db()
    session.refresh_from_db()
    assert session.appointment.status == Appointment.Status.CHECKED_IN
    assert session.status == DosingSession.Status.IN_PROGRESS


# ---------------------------------------------------------------- the server's clock


def spravato_dosed(patient, clinician, traveller=None, *, dose_after_minutes: int = 0):
    """Check in and open the chart now; the first device `dose_after_minutes` later."""
    session = session_opened(course_started(patient, Modality.SPRAVATO, clinician=clinician))
    if dose_after_minutes:
        traveller.shift(dt.timedelta(minutes=dose_after_minutes))
    for section, values in (
        (ChartSection.PRE_DOSE, PRE_DOSE_OK),
        (ChartSection.DOSE, dose_values(Modality.SPRAVATO)),
        (ChartSection.DISCHARGE, DISCHARGE_OK),
    ):
        services.session_record(session=session, by=clinician, section=section, values=values)
    session.refresh_from_db()
    return session


def test_first_device_now_is_the_servers_time(patient, clinician, monday):
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=12))
    session = spravato_dosed(patient, clinician)
    stamp = MONDAY_MORNING + dt.timedelta(minutes=12)
    assert (session.first_device_at, session.dose_given_at, session.dose_stamped_at) == (
        stamp,
        stamp,
        stamp,
    )


@pytest.mark.parametrize(
    ("moved", "message"),
    [
        (dt.timedelta(minutes=-30), "before the patient was checked in"),
        (dt.timedelta(minutes=30), "in the future"),
        (dt.timedelta(minutes=0), "only moves the time back"),
    ],
)
def test_a_corrected_first_device_time_before_check_in_or_in_the_future_is_refused(
    patient, clinician, monday, moved, message
):
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=10))
    session = spravato_dosed(patient, clinician)
    stamp = session.first_device_at
    with pytest.raises(ValidationError, match=message):
        services.session_correct_dose_time(
            session=session, by=clinician, corrected_at=stamp + moved, reason="pressed late"
        )
    session.refresh_from_db()
    assert session.first_device_at == stamp
    assert not AuditEvent.objects.filter(action="treatments.session.dose_time_corrected").exists()


def test_a_correction_moves_the_time_back_with_a_reason_and_is_audited(
    client_for, patient, clinician, monday
):
    session = spravato_dosed(patient, clinician, monday, dose_after_minutes=10)
    response = client_for(clinician).post(
        reverse("treatments:session-chart", args=[session.pk]),
        {
            "section": "correct_time",
            "corrected_at": "2026-03-02T07:35",
            "reason": "Pressed the button after the second device",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.first_device_at == MONDAY_MORNING + dt.timedelta(minutes=5)
    assert session.dose_stamped_at == MONDAY_MORNING + dt.timedelta(minutes=10)
    event = AuditEvent.objects.get(action="treatments.session.dose_time_corrected")
    assert (event.actor, event.patient) == (clinician, patient)
    # A correction without a reason is refused on the page, and the time stays.
    html = (
        client_for(clinician)
        .post(
            reverse("treatments:session-chart", args=[session.pk]),
            {"section": "correct_time", "corrected_at": "2026-03-02T07:31", "reason": ""},
        )
        .content.decode()
    )
    assert "This field is required" in html
    session.refresh_from_db()
    assert session.first_device_at == MONDAY_MORNING + dt.timedelta(minutes=5)


# ---------------------------------------------------------------- REMS: the 40-minute reading


def test_discharge_is_refused_without_the_40_minute_reading(patient, clinician, monday):
    session = spravato_dosed(patient, clinician)
    monday.move_to(MONDAY_MORNING + dt.timedelta(hours=2, minutes=5))
    with pytest.raises(ValidationError) as refused:
        services.session_discharge(session=session, by=clinician)
    assert refused.value.messages == [
        "REMS: the blood pressure at about 40 minutes is not recorded."
    ]
    session.refresh_from_db()
    assert session.status == DosingSession.Status.IN_PROGRESS
    assert session.appointment.status == Appointment.Status.CHECKED_IN


def test_the_40_minute_reading_is_refused_before_the_window_and_late_needs_a_reason(
    patient, clinician, monday
):
    session = spravato_dosed(patient, clinician)
    bp = {"bp40_systolic": 140, "bp40_diastolic": 90}
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=20))
    with pytest.raises(ValidationError, match="20 minutes after the first device"):
        services.session_record(session=session, by=clinician, section=ChartSection.BP40, values=bp)
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=55))
    with pytest.raises(ValidationError, match="record why it is late"):
        services.session_record(session=session, by=clinician, section=ChartSection.BP40, values=bp)
    services.session_record(
        session=session,
        by=clinician,
        section=ChartSection.BP40,
        values={**bp, "bp40_late_reason": "Patient was in the restroom"},
    )
    session.refresh_from_db()
    assert session.bp40_recorded_at == MONDAY_MORNING + dt.timedelta(minutes=55)
    assert session.bp40_late_reason == "Patient was in the restroom"


# ---------------------------------------------------------------- intake medicines


def intake_lists(patient, medication_list: str) -> None:
    intake = Intake.objects.get(patient=patient)
    intake.answers[steps.MEDICATIONS.key]["medication_list"] = medication_list
    intake.save(update_fields=["answers"])


def test_the_monitoring_form_shows_the_intakes_benzodiazepine_and_the_chart_warns(
    client_for, patient, clinician, monday
):
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    intake_lists(patient, "escitalopram 20 mg, clonazepam 0.5 mg at night")
    session = session_opened(course, by=clinician)
    assert session.benzodiazepine is True
    assert session.intake_medications == "Benzodiazepine: clonazepam"
    chart = client_for(clinician).get(reverse("treatments:session-chart", args=[session.pk]))
    assert "Benzodiazepine: clonazepam" in chart.content.decode()
    assert 'data-testid="medication-warning"' in chart.content.decode()

    session = session_charted(session, by=clinician)
    session = services.session_discharge(session=session, by=clinician)
    html = (
        client_for(clinician)
        .get(reverse("treatments:rems-form-print", args=[session.rems_form.pk]))
        .content.decode()
    )
    assert "Benzodiazepine: yes" in html
    assert "Named on the intake: Benzodiazepine: clonazepam" in html
    assert session.ready_to_leave_at is not None


def test_the_monitoring_form_is_listed_until_filed_even_when_overdue(
    client_for, patient, clinician, monday
):
    session = session_discharged(
        course_started(patient, Modality.SPRAVATO, clinician=clinician), by=clinician
    )
    monday.move_to(MONDAY_MORNING + dt.timedelta(days=9))
    [due] = selectors.rems_forms_due()
    assert due.form == session.rems_form
    assert due.window.overdue
    services.rems_form_submit(form=session.rems_form, by=clinician)
    assert selectors.rems_forms_due() == []


# ---------------------------------------------------------------- two dosing courses


def test_a_second_dosing_course_is_refused_without_a_reason(patient, clinician, monday):
    iv = course_started(patient, Modality.IV, clinician=clinician)
    with pytest.raises(ValidationError, match="explicit confirmation"):
        course_started(patient, Modality.SPRAVATO, clinician=clinician)
    with pytest.raises(ValidationError, match="explicit confirmation"):
        services.course_start(
            patient=patient,
            modality=Modality.SPRAVATO,
            start_date=MONDAY_MORNING.date(),
            by=clinician,
            confirm_concurrent=True,
            concurrent_reason="   ",
        )
    assert list(Course.objects.filter(patient=patient)) == [iv]


def test_a_confirmed_second_course_shows_the_reason_on_both_courses(
    client_for, patient, clinician, monday
):
    iv = course_started(patient, Modality.IV, clinician=clinician)
    spravato = course_started(
        patient,
        Modality.SPRAVATO,
        clinician=clinician,
        concurrent_reason="IV tapering while Spravato starts",
    )
    assert (spravato.concurrent_with, spravato.concurrent_confirmed_by) == (iv, clinician)
    client = client_for(clinician)
    for course in (iv, spravato):
        html = client.get(reverse("treatments:course-detail", args=[course.pk])).content.decode()
        assert "IV tapering while Spravato starts" in html
        assert 'data-testid="concurrent-course"' in html


def test_the_course_form_refuses_a_second_course_and_keeps_what_was_typed(
    client_for, patient, clinician, monday
):
    course_started(patient, Modality.IV, clinician=clinician)
    from tests.intake.factories import approve_patient, enrol_rems

    approve_patient(patient, Modality.SPRAVATO, clinician=clinician)
    enrol_rems(patient, prescriber=clinician)
    url = reverse("treatments:course-start", args=[patient.pk])
    data = {
        "modality": "spravato",
        "start_date": "2026-03-03",
        "booster_interval_days": 21,
        "concurrent_reason": "Both on purpose",
    }
    html = client_for(clinician).post(url, data).content.decode()
    assert "explicit confirmation" in html
    assert "Both on purpose" in html
    assert 'data-testid="running-course"' in html
    assert Course.objects.filter(patient=patient).count() == 1
    response = client_for(clinician).post(url, {**data, "confirm_concurrent": "on"})
    assert response.status_code == 302
    assert Course.objects.filter(patient=patient).count() == 2


# ---------------------------------------------------------------- what follows the discharge


def test_the_integration_window_counts_from_the_real_discharge_time(patient, clinician, monday):
    from integration.selectors import window_of

    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    session = session_charted(session, by=clinician)
    monday.move_to(MONDAY_MORNING + dt.timedelta(hours=3, minutes=17))
    session = services.session_discharge(session=session, by=clinician)
    window = window_of(session)
    assert session.discharged_at == MONDAY_MORNING + dt.timedelta(hours=3, minutes=17)
    assert window.opens_at == session.discharged_at + dt.timedelta(hours=24)


def test_an_open_chart_is_not_done_for_the_patient(client_for, patient, clinician, monday):
    course = course_started(patient, clinician=clinician)
    session_charted(session_opened(course, by=clinician), by=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert "Infusion 0 of 6" in html
    assert ">Done<" not in html


def test_the_chart_page_has_bounded_queries(
    client_for, patient, clinician, monday, django_assert_max_num_queries
):
    session = spravato_dosed(patient, clinician)
    client = client_for(clinician)
    client.get(reverse("treatments:session-chart", args=[session.pk]))
    # 16, and three for before the dose: the evening check, the escort, the escort text.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("treatments:session-chart", args=[session.pk]))
    assert 'data-testid="observation-clock"' in response.content.decode()


def test_ready_to_leave_is_stamped_by_the_server_for_the_monitoring_form(
    client_for, patient, clinician, monday
):
    session = spravato_dosed(patient, clinician)
    monday.move_to(MONDAY_MORNING + dt.timedelta(minutes=95))
    url = reverse("treatments:session-chart", args=[session.pk])
    assert client_for(clinician).post(url, {"section": "ready"}).status_code == 302
    session.refresh_from_db()
    assert session.ready_to_leave_at == MONDAY_MORNING + dt.timedelta(minutes=95)
    html = client_for(clinician).get(url).content.decode()
    assert "Ready to leave at 9:05" in html or "Ready to leave at 09:05" in html


def test_a_yes_on_the_intakes_benzodiazepine_question_counts_without_a_name(
    patient, clinician, monday
):
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    intake = Intake.objects.get(patient=patient)
    intake.answers[steps.MEDICATIONS.key].update(
        {"benzodiazepine": True, "medication_list": "sertraline 100 mg, oxycodone 5 mg"}
    )
    intake.save(update_fields=["answers"])
    session = session_opened(course, by=clinician)
    assert (session.benzodiazepine, session.opioid) == (True, True)
    assert session.intake_medications == (
        "Benzodiazepine: answered yes on the intake; Opioid: oxycodone"
    )
