"""Services other layers call (the safety path), the clinic's thresholds, the demo data."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from intake.models import Intake, RemsEnrollment, ScreeningSettings
from intake.selectors import intake_flags
from intake.services import intake_decide, rems_enrollment_record, safety_path_trigger
from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert
from tests.intake.factories import CALM_HISTORY, submitted_intake

pytestmark = pytest.mark.django_db


def test_a_later_check_in_can_start_the_safety_path(patient, clinician, on_commit) -> None:
    intake = submitted_intake(patient)
    safety_path_trigger(patient=patient, source="checkin:7", url="/integration/checkins/7/")
    safety_path_trigger(patient=patient, source="checkin:7", url="/integration/checkins/7/")
    intake.refresh_from_db()
    assert intake.urgent is True
    alert = StaffAlert.objects.get(patient=patient)
    assert (alert.urgent, alert.url) == (True, "/integration/checkins/7/")
    assert Notification.objects.filter(recipient=clinician, kind=Kind.CLINICIAN_ALERT).count() == 1


def test_the_safety_path_works_for_a_patient_without_an_intake(patient) -> None:
    safety_path_trigger(patient=patient, source="checkin:1", url="/x/")
    assert StaffAlert.objects.filter(patient=patient, urgent=True).count() == 1


def test_the_blood_pressure_threshold_is_the_clinics_setting(patient) -> None:
    intake = submitted_intake(patient, history={**CALM_HISTORY, "bp_systolic": 150})
    assert intake_flags(intake) == []
    settings_row = ScreeningSettings.load()
    settings_row.systolic_limit = 145
    settings_row.save()
    (flag,) = intake_flags(intake)
    assert flag.reason == "reported blood pressure 150/78; threshold 145/100"


def test_the_thresholds_are_seeded_with_the_domain_defaults() -> None:
    row = ScreeningSettings.objects.get()
    assert (row.systolic_limit, row.diastolic_limit, row.minimum_age) == (160, 100, 18)


def test_only_a_clinician_decides_even_through_the_service(patient, front_desk) -> None:
    intake = submitted_intake(patient)
    with pytest.raises(ValidationError):
        intake_decide(intake=intake, clinician=front_desk, outcome="approved", modalities=["iv"])
    assert Intake.objects.get(pk=intake.pk).status == Intake.Status.SUBMITTED


def test_rems_enrollment_refuses_a_prescriber_who_is_not_a_clinician(
    patient, clinician, front_desk
) -> None:
    with pytest.raises(ValidationError):
        rems_enrollment_record(
            patient=patient,
            enrolled_on=patient.date_joined.date(),
            enrollment_reference="R-1",
            prescriber=front_desk,
            signed_by_patient=True,
            signed_by_prescriber=True,
            recorded_by=clinician,
        )
    assert not RemsEnrollment.objects.exists()


def test_the_demo_gives_one_approved_patient_and_one_waiting_and_runs_twice() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    dana = Intake.objects.get(patient__email="patient@demo.clinic")
    assert dana.status == Intake.Status.APPROVED
    assert sorted(dana.approved_modalities) == ["iv", "spravato"]
    assert RemsEnrollment.objects.filter(patient=dana.patient).exists()
    jordan = Intake.objects.get(patient__email="jordan@demo.clinic")
    assert jordan.status == Intake.Status.SUBMITTED
    assert jordan.review_flag_count == 1
    assert User.objects.filter(email="jordan@demo.clinic").count() == 1
