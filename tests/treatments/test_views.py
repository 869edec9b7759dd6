"""Treatments pages: success, anonymous, another patient, a role that must not see it,
wrong method; audit of every clinician read; the desk never sees vitals; query bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from intake.modalities import Modality
from portal.audit import AuditEvent
from tests.factories import PatientFactory
from tests.intake.factories import approve_patient
from tests.treatments.factories import (
    DISCHARGE_OK,
    course_started,
    session_charted,
    session_discharged,
    session_opened,
)
from treatments import services
from treatments.models import AftercareAcknowledgement, AftercareItem, Course, DosingSession

pytestmark = pytest.mark.django_db


def chart_url(session: DosingSession) -> str:
    return reverse("treatments:session-chart", args=[session.pk])


# ---------------------------------------------------------------- starting a course


def test_a_clinician_starts_a_course_for_an_approved_patient(client_for, patient, clinician):
    approve_patient(patient, Modality.IV, clinician=clinician)
    url = reverse("treatments:course-start", args=[patient.pk])
    page = client_for(clinician).get(url)
    assert page.status_code == 200
    assert "IV ketamine infusion" in page.content.decode()
    response = client_for(clinician).post(
        url, {"modality": "iv", "start_date": "2026-03-02", "booster_interval_days": 21}
    )
    course = Course.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("treatments:course-detail", args=[course.pk])
    assert course.planned.count() == 6


def test_a_modality_the_intake_did_not_approve_is_refused_and_the_form_kept(
    client_for, patient, clinician
):
    approve_patient(patient, Modality.IV, clinician=clinician)
    response = client_for(clinician).post(
        reverse("treatments:course-start", args=[patient.pk]),
        {"modality": "spravato", "start_date": "2026-03-02", "booster_interval_days": 17},
    )
    assert response.status_code == 200
    assert not Course.objects.exists()
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="17"' in html


def test_a_patient_with_no_approval_gets_no_start_form(client_for, patient, clinician):
    response = client_for(clinician).get(reverse("treatments:course-start", args=[patient.pk]))
    assert response.status_code == 200
    assert "has not approved any treatment" in response.content.decode()


def test_course_start_is_for_clinicians_only(client_for, patient, front_desk):
    url = reverse("treatments:course-start", args=[patient.pk])
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(patient).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_course_start_for_a_staff_member_is_not_found(client_for, clinician, front_desk):
    url = reverse("treatments:course-start", args=[front_desk.pk])
    assert client_for(clinician).get(url).status_code == 404


# ---------------------------------------------------------------- the chart


def test_every_clinician_view_of_a_session_is_audited(client_for, patient, clinician):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    before = AuditEvent.objects.count()
    assert client_for(clinician).get(chart_url(session)).status_code == 200
    event = AuditEvent.objects.exclude(pk__in=[]).order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "treatments.session.chart"
    assert event.patient == patient
    assert event.actor == clinician
    assert event.object_id == str(session.pk)


def test_course_detail_and_rems_print_are_audited(client_for, patient, clinician):
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    session = session_discharged(course, by=clinician)
    client = client_for(clinician)
    assert client.get(reverse("treatments:course-detail", args=[course.pk])).status_code == 200
    assert (
        client.get(reverse("treatments:rems-form-print", args=[session.rems_form.pk])).status_code
        == 200
    )
    actions = set(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True))
    assert {"treatments.course.view", "treatments.rems.print"} <= actions


def test_only_clinicians_chart(client_for, patient, clinician, front_desk, clinic_admin):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    for user in (front_desk, clinic_admin, patient):
        assert client_for(user).get(chart_url(session)).status_code == 403
        posted = client_for(user).post(
            chart_url(session), {"section": "pre_dose", "pre_systolic": 120}
        )
        assert posted.status_code == 403
    assert client_for(None).get(chart_url(session)).status_code == 302
    assert client_for(clinician).put(chart_url(session)).status_code == 405


def test_a_high_blood_pressure_without_a_reason_is_refused_and_keeps_the_readings(
    client_for, patient, clinician
):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    response = client_for(clinician).post(
        chart_url(session),
        {
            "section": "pre_dose",
            "pre_systolic": 174,
            "pre_diastolic": 101,
            "pre_heart_rate": 80,
            "pre_spo2": 97,
            "fasted": "True",
            "no_alcohol_or_substances": "True",
            "high_bp_reason": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "174/101 is above the clinic" in html
    assert 'value="174"' in html
    session.refresh_from_db()
    assert session.pre_systolic is None


def test_nonsense_in_the_chart_is_a_form_error_not_a_crash(client_for, patient, clinician):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    client = client_for(clinician)
    assert (
        client.post(chart_url(session), {"section": "dose", "weight_kg": "heavy"}).status_code
        == 200
    )
    assert client.post(chart_url(session), {"section": "nope"}).status_code == 302


def test_the_discharge_button_says_what_is_missing(client_for, patient, clinician):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    session_charted(session, by=clinician, discharge={**DISCHARGE_OK, "escort_confirmed": False})
    client = client_for(clinician)
    response = client.post(reverse("treatments:session-discharge", args=[session.pk]), follow=True)
    html = response.content.decode()
    assert "Not discharged yet" in html
    assert "is not confirmed" in html
    session.refresh_from_db()
    assert session.status == DosingSession.Status.IN_PROGRESS
    assert client.get(reverse("treatments:session-discharge", args=[session.pk])).status_code == 405


def test_the_front_desk_sees_the_schedule_and_discharge_status_but_no_vitals(
    client_for, patient, clinician, front_desk
):
    course = course_started(patient, clinician=clinician)
    session_discharged(course, by=clinician)
    response = client_for(front_desk).get(reverse("treatments:course-schedule", args=[course.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Discharged" in html
    for vital in ("Blood pressure", "SpO2", "mg/kg", "Heart rate"):
        assert vital not in html
    assert (
        client_for(front_desk)
        .get(reverse("treatments:course-detail", args=[course.pk]))
        .status_code
        == 403
    )


# ---------------------------------------------------------------- REMS


def test_rems_forms_due_show_days_left(client_for, patient, clinician):
    session_discharged(
        course_started(patient, Modality.SPRAVATO, clinician=clinician), by=clinician
    )
    response = client_for(clinician).get(reverse("treatments:rems-forms"))
    assert response.status_code == 200
    assert "7 days left" in response.content.decode()


def test_the_printable_rems_form_is_one_page_with_print_css(client_for, patient, clinician):
    session = session_discharged(
        course_started(patient, Modality.SPRAVATO, clinician=clinician), by=clinician
    )
    html = (
        client_for(clinician)
        .get(reverse("treatments:rems-form-print", args=[session.rems_form.pk]))
        .content.decode()
    )
    assert "Patient Monitoring Form" in html
    assert "LOT-4411" in html
    assert "css/print.css" in html
    assert "<script>" not in html  # CSP: no inline script


def test_a_submitted_rems_form_leaves_the_list(client_for, patient, clinician):
    session = session_discharged(
        course_started(patient, Modality.SPRAVATO, clinician=clinician), by=clinician
    )
    client = client_for(clinician)
    client.post(
        reverse("treatments:rems-form-submit", args=[session.rems_form.pk]),
        {"confirmation_reference": "R-123"},
    )
    session.rems_form.refresh_from_db()
    assert session.rems_form.confirmation_reference == "R-123"
    assert (
        "No monitoring forms are due"
        in client.get(reverse("treatments:rems-forms")).content.decode()
    )


# ---------------------------------------------------------------- the patient


def test_the_patient_sees_their_course_timeline(client_for, patient, clinician):
    session_discharged(course_started(patient, clinician=clinician), by=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert "Infusion 1 of 6" in html
    assert "Next booster" not in html
    assert "Aftercare after your session" in html


def test_the_patient_home_shows_course_progress_and_aftercare(client_for, patient, clinician):
    session_discharged(course_started(patient, clinician=clinician), by=clinician)
    html = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert "Infusion 1 of 6" in html
    assert "Aftercare to read" in html


def test_the_patient_acknowledges_aftercare(client_for, patient, clinician):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    items = list(AftercareItem.objects.filter(modality="iv", is_active=True))
    url = reverse("treatments:aftercare", args=[session.pk])
    client = client_for(patient)
    assert client.get(url).status_code == 200
    response = client.post(url, {"items": [i.pk for i in items]})
    assert response.status_code == 302
    assert AftercareAcknowledgement.objects.filter(session=session).count() == len(items)
    assert "acknowledged every item" in client.get(url).content.decode()


def test_aftercare_of_another_patient_is_not_found(client_for, patient, other_patient, clinician):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    url = reverse("treatments:aftercare", args=[session.pk])
    assert client_for(other_patient).get(url).status_code == 404
    assert client_for(other_patient).post(url, {"items": [1]}).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(clinician).get(url).status_code == 403
    assert client_for(patient).delete(url).status_code == 405


def test_an_empty_acknowledgement_is_refused_kindly(client_for, patient, clinician):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    response = client_for(patient).post(reverse("treatments:aftercare", args=[session.pk]), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_a_checkin_with_thoughts_of_self_harm_shows_crisis_resources_at_once(
    client_for, patient, clinician, monday
):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    monday.move_to(services.checkin_opens_at(session))
    response = client_for(patient).post(
        reverse("treatments:checkin", args=[session.pk]),
        {
            "nausea": "none",
            "dizziness": "none",
            "bp_concern": "False",
            "self_harm_thoughts": "True",
            "sleep": "poorly",
            "lingering_effects": "False",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="crisis-resources"' in html
    assert "988" in html


def test_a_checkin_before_discharge_is_not_found(client_for, patient, clinician):
    session = session_opened(course_started(patient, clinician=clinician), by=clinician)
    assert (
        client_for(patient).get(reverse("treatments:checkin", args=[session.pk])).status_code == 404
    )


# ---------------------------------------------------------------- query bounds


def _many_courses(clinician, n: int = 10) -> None:
    for i in range(n):
        p = PatientFactory(email=f"many{i}@example.test")
        course = course_started(p, clinician=clinician, start_date=dt.date(2026, 3, 2))
        session_discharged(course, by=clinician)


def test_the_course_list_has_bounded_queries(client_for, clinician, django_assert_max_num_queries):
    _many_courses(clinician)
    client = client_for(clinician)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("treatments:course-list"))
    assert response.content.decode().count("infusion 1 of 6") == 10


def test_the_rems_list_has_bounded_queries(client_for, clinician, django_assert_max_num_queries):
    for i in range(10):
        p = PatientFactory(email=f"rems{i}@example.test")
        session_discharged(course_started(p, Modality.SPRAVATO, clinician=clinician), by=clinician)
    client = client_for(clinician)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("treatments:rems-forms"))
    assert response.content.decode().count("7 days left") == 10


def test_the_patient_course_page_has_bounded_queries(
    client_for, patient, clinician, django_assert_max_num_queries
):
    course = course_started(patient, clinician=clinician)
    for _ in range(6):
        session_discharged(course, by=clinician)
    client = client_for(patient)
    # Session, user, the courses with their plans (one query), aftercare still to read
    # (one query), and the session save inside its savepoint (three).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("treatments:my-courses"))
    assert "Infusion 6 of 6" in response.content.decode()


def test_the_front_desk_home_lists_courses_needing_scheduling(
    client_for, patient, clinician, front_desk
):
    course_started(patient, clinician=clinician)
    html = client_for(front_desk).get(reverse("portal:front-desk-home")).content.decode()
    assert "Courses needing scheduling" in html
    assert "6 sessions without a visit" in html


def test_the_session_board_has_bounded_queries_and_no_vitals(
    client_for, clinician, front_desk, monday, django_assert_max_num_queries
):
    from tests.scheduling.factories import AppointmentFactory, next_local, service_of

    for i in range(10):
        p = PatientFactory(email=f"board{i}@example.test")
        course = course_started(p, clinician=clinician)
        planned = course.planned.get(sequence=1)
        planned.appointment = AppointmentFactory(
            patient=p, service=service_of("iv_infusion"), starts_at=next_local(0, 9 + i % 8)
        )
        planned.save()
        if i == 0:
            session_discharged(course, by=clinician)
    client = client_for(front_desk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("treatments:session-board"))
    html = response.content.decode()
    assert html.count('data-testid="board-row"') == 10
    assert "Discharged at" in html
    assert "Start chart" not in html
    for vital in ("Blood pressure", "SpO2", "mg/kg", "Heart rate"):
        assert vital not in html
    clinician_view = client_for(clinician).get(reverse("treatments:session-board")).content.decode()
    # Nobody is checked in yet: each visit says why its chart cannot open.
    assert "Start chart" not in clinician_view
    assert clinician_view.count("not checked in yet") == 9


def test_the_patient_home_lists_aftercare_from_several_sessions_in_one_card(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician)
    session_discharged(course, by=clinician)
    session_discharged(course, by=clinician)
    html = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert html.count("Aftercare to read") == 1
    assert html.count('data-testid="aftercare-item"') == 2
