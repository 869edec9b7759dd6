"""Clinical writes leave an audit row in their own transaction (who, which patient,
what), refused writes leave none; list pages record every patient they show; a
refused page records who was refused. (Reads of one record: each app's view tests.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake.models import Intake
from intake.services import intake_decide
from portal.audit import AuditEvent
from portal.models import User
from portal.notifications.models import StaffAlert
from portal.notifications.services import staff_alert_resolve
from tests.factories import PatientFactory
from tests.intake.factories import approve_patient, enrol_rems, submitted_intake
from tests.treatments.factories import course_started, session_discharged
from treatments import services
from treatments.models import Modality

pytestmark = pytest.mark.django_db


def rows(action: str) -> list[tuple[Any, Any]]:
    return [
        (event.actor, event.patient)
        for event in AuditEvent.objects.filter(action=action).order_by("id")
    ]


def test_an_eligibility_decision_is_audited_and_a_refused_one_is_not(
    patient: User, clinician: User, nurse: User
) -> None:
    intake = submitted_intake(patient)
    with pytest.raises(ValidationError):
        intake_decide(intake=intake, clinician=nurse, outcome="approved", modalities=["iv"])
    assert rows("intake.decision.record") == []
    decision = intake_decide(
        intake=intake, clinician=clinician, outcome="approved", modalities=["iv"]
    )
    event = AuditEvent.objects.get(action="intake.decision.record")
    assert (event.actor, event.patient, event.object_id) == (clinician, patient, str(decision.pk))


def test_a_rems_enrolment_is_audited(patient: User, clinician: User) -> None:
    from django.utils import timezone

    from intake.services import rems_enrollment_record

    approve_patient(patient, Modality.SPRAVATO, clinician=clinician)
    rems_enrollment_record(
        patient=patient,
        enrolled_on=timezone.localdate(),
        enrollment_reference="REMS-1",
        prescriber=clinician,
        signed_by_patient=True,
        signed_by_prescriber=True,
        recorded_by=clinician,
    )
    assert rows("intake.rems_enrollment.record") == [(clinician, patient)]


def test_course_start_booster_interval_and_stop_are_audited(
    patient: User, clinician: User, nurse: User
) -> None:
    course = course_started(patient, clinician=clinician)
    assert rows("treatments.course.start") == [(clinician, patient)]
    with pytest.raises(ValidationError):
        services.course_set_booster_interval(course=course, interval_days=21, by=nurse)
    assert rows("treatments.course.booster_interval") == []
    services.course_set_booster_interval(course=course, interval_days=21, by=clinician)
    assert rows("treatments.course.booster_interval") == [(clinician, patient)]
    services.course_stop(course=course, by=clinician, reason="Moved away")
    assert rows("treatments.course.stop") == [(clinician, patient)]


def test_charting_discharge_and_the_rems_form_are_audited(
    patient: User, clinician: User, nurse: User, infusion_chair: Any
) -> None:
    enrol_rems(patient, prescriber=clinician)
    course = course_started(patient, Modality.SPRAVATO, clinician=clinician)
    session = session_discharged(course, by=nurse)
    assert rows("treatments.session.start") == [(nurse, patient)]
    assert rows("treatments.session.chart.pre_dose") == [(nurse, patient)]
    assert rows("treatments.session.chart.dose") == [(nurse, patient)]
    assert rows("treatments.session.discharge") == [(nurse, patient)]
    services.rems_form_submit(form=session.rems_form, by=nurse, confirmation_reference="C-1")
    event = AuditEvent.objects.get(action="treatments.rems_form.submit")
    assert (event.actor, event.patient) == (nurse, patient)
    assert event.object_id == str(session.rems_form.pk)


def test_resolving_an_alert_is_audited_once(patient: User, clinician: User) -> None:
    alert = StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING, patient=patient, title="t", dedupe_key="a:1"
    )
    staff_alert_resolve(alert=alert, by=clinician)
    staff_alert_resolve(alert=alert, by=clinician)  # already resolved: nothing changes
    assert rows("notifications.alert.resolve") == [(clinician, patient)]


def test_the_review_queue_records_each_patient_it_shows(
    client_for: Any, clinician: User, patient: User, other_patient: User
) -> None:
    submitted_intake(patient)
    submitted_intake(other_patient)
    Intake.objects.create(patient=PatientFactory())  # not sent: not in the queue
    client_for(clinician).get(reverse("intake:review-queue"))
    events = AuditEvent.objects.filter(action="intake.review_queue.view")
    assert {event.patient for event in events} == {patient, other_patient}
    assert {(event.actor, event.path) for event in events} == {(clinician, "/intake/review/")}


def test_the_rems_list_records_each_patient_it_shows(
    client_for: Any, patient: User, clinician: User, nurse: User, infusion_chair: Any
) -> None:
    enrol_rems(patient, prescriber=clinician)
    session_discharged(course_started(patient, Modality.SPRAVATO, clinician=clinician), by=nurse)
    client_for(clinician).get(reverse("treatments:rems-forms"))
    assert rows("treatments.rems.list") == [(clinician, patient)]


@pytest.mark.parametrize("who", ["front_desk", "therapist", "clinic_admin"])
def test_a_refused_page_records_who_was_refused(
    request: pytest.FixtureRequest, client_for: Any, patient: User, who: str
) -> None:
    user = request.getfixturevalue(who)
    intake = submitted_intake(patient)
    url = reverse("intake:review-detail", args=[intake.pk])
    assert client_for(user).get(url).status_code == 403
    event = AuditEvent.objects.get(action="access.refused")
    assert (event.actor, event.actor_role, event.path) == (user, user.role, url)
    assert event.patient is None  # a refusal reveals and records no patient


def test_an_empty_list_page_still_records_that_it_was_opened(
    client_for: Any, clinician: User
) -> None:
    client_for(clinician).get(reverse("intake:review-queue"))
    assert rows("intake.review_queue.view") == [(clinician, None)]
