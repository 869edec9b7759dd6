"""The contract the layers above rely on: approval, the dosing gate, the status label."""

from __future__ import annotations

import pytest

from intake.modalities import Modality
from intake.selectors import approved_modalities, dosing_gate_gaps, intake_status_label
from tests.intake.factories import approve_patient, enrol_rems, submitted_intake

pytestmark = pytest.mark.django_db


def test_a_patient_without_intake_may_not_be_dosed(patient) -> None:
    assert approved_modalities(patient=patient) == frozenset()
    assert dosing_gate_gaps(patient=patient, modality=Modality.IV) == [
        "Intake is not approved for IV ketamine infusion.",
        "Consent to IV ketamine treatment (version 1) is not signed.",
    ]
    assert intake_status_label(patient=patient) == "Not started"


def test_an_intake_awaiting_review_does_not_open_the_gate(patient) -> None:
    submitted_intake(patient)
    assert dosing_gate_gaps(patient=patient, modality=Modality.KAP) == [
        "Intake is not approved for Ketamine-assisted psychotherapy.",
        "Consent to ketamine-assisted psychotherapy (version 1) is not signed.",
    ]
    assert intake_status_label(patient=patient) == "Submitted"


def test_approval_for_iv_opens_the_gate_for_iv_only(patient, clinician) -> None:
    approve_patient(patient, Modality.IV, clinician=clinician)
    assert approved_modalities(patient=patient) == frozenset({Modality.IV})
    assert dosing_gate_gaps(patient=patient, modality=Modality.IV) == []
    assert dosing_gate_gaps(patient=patient, modality="kap") == [
        "Intake is not approved for Ketamine-assisted psychotherapy.",
        "Consent to ketamine-assisted psychotherapy (version 1) is not signed.",
    ]
    assert intake_status_label(patient=patient) == "Approved for IV ketamine infusion"


def test_spravato_needs_approval_and_rems_enrollment(patient, clinician) -> None:
    assert dosing_gate_gaps(patient=patient, modality=Modality.SPRAVATO) == [
        "Intake is not approved for Spravato (esketamine nasal spray).",
        "Spravato REMS patient enrollment is not on file.",
        "Consent to Spravato treatment (version 1) is not signed.",
        "Spravato REMS patient enrollment acknowledgement (version 1) is not signed.",
    ]
    approve_patient(patient, Modality.SPRAVATO, clinician=clinician)
    assert dosing_gate_gaps(patient=patient, modality=Modality.SPRAVATO) == [
        "Spravato REMS patient enrollment is not on file."
    ]
    enrol_rems(patient, prescriber=clinician)
    assert dosing_gate_gaps(patient=patient, modality=Modality.SPRAVATO) == []


def test_another_patients_approval_opens_nothing_for_this_one(
    patient, other_patient, clinician
) -> None:
    approve_patient(other_patient, Modality.IV, Modality.SPRAVATO, clinician=clinician)
    enrol_rems(other_patient, prescriber=clinician)
    assert approved_modalities(patient=patient) == frozenset()
    assert dosing_gate_gaps(patient=patient, modality=Modality.SPRAVATO) != []
