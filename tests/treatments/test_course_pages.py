"""The course pages (the clinician's, the patient's own) and the patient's home panel:
what they show, that their plain columns say what the models say, and their queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from portal.audit import AuditEvent
from portal.formats import format_day, format_when
from portal.models import PatientProfile
from tests.factories import ClinicianFactory, PatientFactory, UserFactory
from tests.scheduling.factories import AppointmentFactory, folsom, next_local, service_of
from tests.treatments.factories import course_started, session_discharged, visit_checked_in
from treatments import selectors, services
from treatments.apps import _patient_panel
from treatments.forms import BoosterIntervalForm, CourseStopForm
from treatments.models import AftercareAcknowledgement, AftercareItem, Course

pytestmark = pytest.mark.django_db


def course_url(course: Course) -> str:
    return reverse("treatments:course-detail", args=[course.pk])


def book(course: Course, *, sequence: int = 1, hour: int = 9):
    """Give a planned session a visit at Folsom tomorrow at `hour`:30."""
    planned = course.planned.get(sequence=sequence)
    planned.appointment = AppointmentFactory(
        patient=course.patient,
        service=service_of("iv_infusion"),
        location=folsom(),
        starts_at=next_local(1, hour, 30),
    )
    planned.save()
    return planned.appointment


# ---------------------------------------------------------------- the clinician's page


def test_the_clinician_page_names_the_patient_the_protocol_and_who_started_the_course(
    client_for, patient, clinician
):
    doctor = ClinicianFactory(email="dr.morgan@example.test", full_name="Dr Casey Morgan")
    course = course_started(patient, clinician=doctor)
    html = client_for(clinician).get(course_url(course)).content.decode()
    course = Course.objects.get(pk=course.pk)
    assert "IV ketamine infusion course</h1>" in html
    # The patient as staff see them: legal name and chart number (portal.identity).
    profile = patient.patient_profile
    heading = html.split('data-testid="course-patient"')[1].split("</p>")[0]
    assert profile.legal_name in heading
    assert profile.chart_number in heading
    started = dateformat.format(course.start_date, "j M Y")
    assert f"{course.protocol} · started {started} by Dr Casey Morgan" in html
    assert "Infusion 0 of 6" in html
    # No visit is booked yet: no chart can open, and each row says why.
    assert "Start chart" not in html
    assert html.count("No visit booked: a chart opens from its visit") == 6


@pytest.mark.parametrize(
    ("preferred", "legal", "with_profile"),
    [
        ("Dana", "Dana Whitfield", True),
        ("", "Dana Whitfield", True),
        ("", "", True),
        ("", "", False),
    ],
)
def test_the_clinician_page_names_the_patient_as_the_portal_does(
    clinician, preferred, legal, with_profile
):
    patient = PatientFactory(email="named@example.test", full_name="D. W.")
    PatientProfile.objects.filter(user=patient).update(preferred_name=preferred, legal_name=legal)
    if not with_profile:
        PatientProfile.objects.filter(user=patient).delete()
    course = course_started(patient, clinician=clinician)
    view = selectors.course_page_for_staff(course_id=course.pk)
    patient = type(patient).objects.get(pk=patient.pk)
    assert view.patient_name == patient.display_name
    assert view.started_by_name == clinician.display_name


def test_a_booked_visit_shows_its_local_time_and_status_on_the_clinician_page(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician)
    visit = book(course)
    html = client_for(clinician).get(course_url(course)).content.decode()
    when = dateformat.format(timezone.localtime(visit.starts_at), "D j M H:i")
    assert f"{when} · Scheduled" in html
    assert html.count("not booked") == 5


def test_the_clinician_page_links_each_chart_and_offers_to_start_the_next(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician)
    session = session_discharged(course, by=clinician)
    html = client_for(clinician).get(course_url(course)).content.decode()
    chart = reverse("treatments:session-chart", args=[session.pk])
    assert f'<a href="{chart}">Discharged</a>' in html
    assert "Infusion 1 of 6" in html
    assert "Start chart" not in html  # the next dose has no visit today yet
    planned = course.planned.get(sequence=2)
    planned.appointment = visit_checked_in(patient, "iv")
    planned.save()
    html = client_for(clinician).get(course_url(course)).content.decode()
    start = reverse("treatments:session-start", args=[planned.appointment_id])
    assert f'action="{start}"' in html
    assert html.count("Start chart") == 1
    # The next session is the one highlighted.
    assert html.count('class="table-primary"') == 1


def test_the_booster_and_stop_forms_on_the_page_post_what_their_forms_expect(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician, booster_interval_days=21)
    client = client_for(clinician)
    html = client.get(course_url(course)).content.decode()
    interval = BoosterIntervalForm.base_fields["interval_days"]
    assert (
        f'name="interval_days" value="21" min="{interval.min_value}" max="{interval.max_value}"'
        in html
    )
    assert f'<label for="id_interval_days" class="form-label requiredField">{interval.label}' in (
        html
    )
    reason = CourseStopForm.base_fields["reason"]
    assert f'name="reason" maxlength="{reason.max_length}"' in html

    client.post(reverse("treatments:course-booster", args=[course.pk]), {"interval_days": 28})
    course.refresh_from_db()
    assert course.booster_interval_days == 28
    client.post(reverse("treatments:course-stop", args=[course.pk]), {"reason": "Moved away"})
    html = client.get(course_url(course)).content.decode()
    assert "stopped: Moved away" in html
    assert "Stopped" in html
    for gone in ("Save interval", "Stop course", "Start chart", 'class="table-primary"'):
        assert gone not in html


def test_a_course_that_does_not_exist_is_not_found_and_not_audited(client_for, clinician):
    before = AuditEvent.objects.count()
    assert (
        client_for(clinician).get(reverse("treatments:course-detail", args=[999999])).status_code
        == 404
    )
    assert AuditEvent.objects.count() == before


def test_every_view_of_the_clinician_page_is_audited_with_the_patient_and_course(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician)
    client_for(clinician).get(course_url(course))
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "treatments.course.view"
    assert event.patient == patient
    assert event.actor == clinician
    assert (event.object_type, event.object_id) == ("treatments.Course", str(course.pk))


def test_the_clinician_page_has_bounded_queries(
    client_for, patient, clinician, django_assert_max_num_queries
):
    course = course_started(patient, clinician=clinician)
    for _ in range(6):
        session_discharged(course, by=clinician)
    book(course)
    client = client_for(clinician)
    client.get(course_url(course))
    # Session, user, the MFA check, the course with its plan (one query), the concurrent
    # courses (one), the audit row, and the session save inside its savepoint (three).
    with django_assert_max_num_queries(9):
        response = client.get(course_url(course))
    assert response.content.decode().count(">Discharged</a>") == 6


# ---------------------------------------------------------------- the patient's page


def test_the_patient_sees_their_next_visit_with_its_time_and_place(client_for, patient, clinician):
    course = course_started(patient, clinician=clinician)
    visit = book(course)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    local = timezone.localtime(visit.starts_at)
    # US 12-hour, as every patient page prints times (portal.formats).
    assert f"<strong>{format_when(local)}</strong>, Folsom" in html
    target = course.planned.get(sequence=2).target_date
    assert f"around {format_day(target)}" in html


def test_before_a_visit_is_booked_the_patient_sees_the_target_day(client_for, patient, clinician):
    course = course_started(patient, clinician=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    target = course.planned.get(sequence=1).target_date
    assert f"around {format_day(target)} (the office will confirm a time)" in html


def test_a_telehealth_visit_says_so(client_for, patient, clinician):
    course = course_started(patient, clinician=clinician)
    planned = course.planned.get(sequence=1)
    planned.appointment = AppointmentFactory(
        patient=patient, location=None, starts_at=next_local(1, 11, 0)
    )
    planned.save()
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert "Telehealth (video)" in html


def test_the_patient_page_shows_every_course_and_links_each_done_session(
    client_for, patient, clinician
):
    old = course_started(patient, clinician=clinician)
    done = session_discharged(old, by=clinician)
    services.course_stop(course=old, by=clinician, reason="Paused")
    course_started(patient, clinician=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert html.count('data-testid="course"') == 2
    assert html.count('data-testid="next-session"') == 1  # a stopped course has no next
    assert reverse("treatments:aftercare", args=[done.pk]) in html
    assert reverse("treatments:checkin", args=[done.pk]) in html
    assert "Stopped" in html


def test_a_patient_never_sees_another_patients_course(
    client_for, patient, other_patient, clinician
):
    course_started(other_patient, clinician=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert "You have no treatment course yet" in html
    assert 'data-testid="course"' not in html


def test_the_patient_course_page_reads_courses_and_aftercare_in_two_queries(
    client_for, patient, clinician
):
    course = course_started(patient, clinician=clinician)
    for _ in range(3):
        session_discharged(course, by=clinician)
    client = client_for(patient)
    client.get(reverse("treatments:my-courses"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("treatments:my-courses"))
    treatment_queries = [q for q in queries if "treatments_" in q["sql"]]
    assert len(treatment_queries) == 2
    assert response.content.decode().count('data-testid="aftercare-due"') == 3


# ---------------------------------------------------------------- aftercare still to read


def test_aftercare_counts_only_the_active_items_not_yet_acknowledged(
    client_for, patient, clinician
):
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    items = list(AftercareItem.objects.filter(modality="iv", is_active=True))
    assert len(items) >= 3
    AftercareAcknowledgement.objects.create(session=session, patient=patient, item=items[0])
    items[1].is_active = False
    items[1].save()
    left = len(items) - 2
    [due] = selectors.aftercare_due(patient=patient)
    assert (due.session_id, due.remaining) == (session.pk, left)
    html = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert f"{left} items after your session on" in html
    assert reverse("treatments:aftercare", args=[session.pk]) in html

    for item in items[2:]:
        AftercareAcknowledgement.objects.create(session=session, patient=patient, item=item)
    assert selectors.aftercare_due(patient=patient) == []
    html = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert "Aftercare to read" not in html


def test_aftercare_is_only_the_patients_own(patient, other_patient, clinician):
    session_discharged(course_started(other_patient, clinician=clinician), by=clinician)
    assert selectors.aftercare_due(patient=patient) == []


# ---------------------------------------------------------------- the home panel


def test_the_home_panel_shows_open_courses_only_with_the_next_visit(client_for, patient, clinician):
    stopped = course_started(patient, clinician=clinician)
    services.course_stop(course=stopped, by=clinician, reason="Paused")
    course = course_started(patient, clinician=clinician)
    visit = book(course, hour=14)
    html = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert html.count('data-testid="course-panel"') == 1
    # Patient pages print times one way, US 12-hour in clinic time (portal.formats).
    assert f"Next: {format_when(visit.starts_at)} · Folsom" in html
    assert "Infusion 0 of 6" in html


def test_the_home_panel_reads_in_three_queries(patient, clinician, django_assert_num_queries):
    course = course_started(patient, clinician=clinician)
    session_discharged(course, by=clinician)
    book(course, sequence=2)
    request = RequestFactory().get("/")
    request.user = patient
    with django_assert_num_queries(3):
        panel = _patient_panel(request)
    [view] = panel["course_views"]
    assert view.label == "infusion 1 of 6"
    assert view.next_where == "Folsom"
    assert len(panel["aftercare"]) == 1
    # "Get ready for ...": the next dosing visit, from the moment it is booked.
    assert panel["next_dose"].visit.where == "Folsom"
    assert not panel["next_dose"].visit.answered


def test_a_patient_with_no_course_gets_no_panel(patient):
    request = RequestFactory().get("/")
    request.user = patient
    assert _patient_panel(request) == {"course_views": [], "aftercare": [], "next_dose": None}


def test_staff_without_a_profile_are_named_by_full_name_then_email(clinician):
    nameless = UserFactory(email="nameless@example.test", full_name="", role="clinician")
    patient = PatientFactory(email="p@example.test")
    course = course_started(patient, clinician=clinician)
    Course.objects.filter(pk=course.pk).update(started_by=nameless)
    view = selectors.course_page_for_staff(course_id=course.pk)
    assert view.started_by_name == "nameless@example.test"
