"""Clinician kinds carry different rights: only a prescriber decides, enrols REMS and
starts or stops a course; nurses chart; therapists see integration work (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from intake import services as intake_services
from intake.forms import RemsEnrollmentForm
from intake.modalities import Modality
from intake.models import IntakeDecision
from portal.permissions import Capability, has_capability
from tests.intake.factories import approve_patient, submitted_intake
from treatments import services as treatment_services
from treatments.models import Course

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["nurse", "therapist"])
def test_a_nurse_or_therapist_is_refused_the_eligibility_decision_service(request, patient, kind):
    intake = submitted_intake(patient)
    with pytest.raises(ValidationError, match="Only a prescriber"):
        intake_services.intake_decide(
            intake=intake,
            clinician=request.getfixturevalue(kind),
            outcome=IntakeDecision.Outcome.APPROVED,
            modalities=[Modality.IV],
        )
    assert not IntakeDecision.objects.exists()


@pytest.mark.parametrize("kind", ["nurse", "therapist"])
def test_a_nurse_or_therapist_posting_the_decision_form_is_refused(request, client, patient, kind):
    intake = submitted_intake(patient)
    client.force_login(request.getfixturevalue(kind))
    response = client.post(
        reverse("intake:review-decide", kwargs={"intake_id": intake.pk}),
        {"outcome": "approved", "modalities": ["iv"]},
    )
    assert response.status_code == 403
    assert not IntakeDecision.objects.exists()


def test_a_therapist_cannot_start_a_course(patient, clinician, therapist):
    approve_patient(patient, Modality.IV, clinician=clinician)
    with pytest.raises(ValidationError, match="Only a prescriber"):
        treatment_services.course_start(
            patient=patient, modality=Modality.IV, start_date=dt.date(2026, 3, 2), by=therapist
        )
    assert not Course.objects.exists()


def test_a_therapist_or_nurse_cannot_be_recorded_as_rems_prescriber(
    patient, clinician, nurse, therapist
):
    for not_prescriber in (nurse, therapist):
        with pytest.raises(ValidationError, match="prescribers"):
            intake_services.rems_enrollment_record(
                patient=patient,
                enrolled_on=dt.date(2026, 3, 2),
                enrollment_reference="REMS-1",
                prescriber=not_prescriber,
                signed_by_patient=True,
                signed_by_prescriber=True,
                recorded_by=clinician,
            )
    with pytest.raises(ValidationError, match="Only a prescriber"):
        intake_services.rems_enrollment_record(
            patient=patient,
            enrolled_on=dt.date(2026, 3, 2),
            enrollment_reference="REMS-1",
            prescriber=clinician,
            signed_by_patient=True,
            signed_by_prescriber=True,
            recorded_by=therapist,
        )


def test_the_rems_prescriber_list_offers_only_prescribers(clinician, nurse, therapist):
    offered = set(RemsEnrollmentForm().fields["prescriber"].queryset)
    assert offered == {clinician}


def test_capabilities_follow_the_kind(clinician, nurse, therapist):
    assert has_capability(clinician, Capability.CLINICAL_DECIDE)
    assert not has_capability(nurse, Capability.CLINICAL_DECIDE)
    assert has_capability(nurse, Capability.SESSION_CHART)
    assert has_capability(nurse, Capability.CLINICAL_VIEW)
    assert not has_capability(therapist, Capability.SESSION_CHART)
    assert not has_capability(therapist, Capability.CLINICAL_VIEW)
    assert has_capability(therapist, Capability.TRENDS_VIEW)
    assert has_capability(therapist, Capability.INTEGRATION_BOOK)
