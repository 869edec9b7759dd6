"""Intake test helpers, also used by scheduling, treatments and integration tests.

`approve_patient(patient, Modality.IV)` gives a patient a sent intake that a clinician
approved for those treatments, and (unless `consents=False`) the signed consents those
treatments and telehealth visits need; `enrol_rems(patient)` records their Spravato REMS
enrollment; `sign_consents(patient, *kinds)` signs the current version of consents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from intake import steps
from intake.consent_models import ConsentSignature
from intake.consent_selectors import current_documents
from intake.consents import required_kinds
from intake.modalities import Modality
from intake.models import Intake, RemsEnrollment
from intake.services import intake_decide
from portal.models import Role, User
from tests.factories import ClinicianFactory

CALM_HISTORY: dict[str, Any] = {
    "bp_systolic": 122,
    "bp_diastolic": 78,
    "cardiac_disease": False,
    "cardiac_unstable": False,
    "aneurysm_or_avm": False,
    "intracerebral_haemorrhage": False,
    "pregnant_or_breastfeeding": False,
    "psychosis_history": False,
    "current_mania": False,
    "bipolar": False,
    "mood_stabiliser": False,
    "substance_use": False,
    "substance_use_details": "",
    "ketamine_allergy": False,
}
CALM_MEDICATIONS: dict[str, Any] = {
    "antidepressant": True,
    "benzodiazepine": False,
    "maoi": False,
    "stimulant": False,
    "medication_list": "sertraline 100 mg daily",
}


def phq9_answers(*items: int) -> dict[str, int]:
    values = list(items) or [2, 2, 2, 2, 1, 2, 1, 1, 0]
    return {f"item_{n}": v for n, v in enumerate(values, start=1)}


def gad7_answers(*items: int) -> dict[str, int]:
    values = list(items) or [2, 2, 1, 1, 1, 1, 1]
    return {f"item_{n}": v for n, v in enumerate(values, start=1)}


def complete_answers(**overrides: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {
        steps.CONTACT.key: {"confirmed": True},
        steps.HISTORY.key: dict(CALM_HISTORY),
        steps.MEDICATIONS.key: dict(CALM_MEDICATIONS),
        steps.PHQ9.key: phq9_answers(),
        steps.GAD7.key: gad7_answers(),
        steps.CSSRS.key: {"q1": False, "q2": False},
        steps.CSSRS_BEHAVIOUR.key: {"q6": False, "q6_recent": None},
        steps.CONSENT.key: {"agree": True, "signature": "Pat Example"},
    }
    answers.update(overrides)
    return answers


def submitted_intake(
    patient: User,
    *,
    urgent: bool = False,
    submitted_at: dt.datetime | None = None,
    **answer_overrides: dict[str, Any],
) -> Intake:
    """A sent intake with calm answers (scores and counts recomputed from them)."""
    from intake.services import _rescore  # test helper: the scores the service would keep

    answers = complete_answers(**answer_overrides)
    profile = getattr(patient, "patient_profile", None)
    intake = Intake(
        patient=patient,
        status=Intake.Status.SUBMITTED,
        location=profile.preferred_location if profile else None,
        answers=answers,
        steps_done=[s.key for s in steps.sequence(answers)],
        submitted_at=submitted_at or timezone.now(),
        consent_name="Pat Example",
        urgent=urgent,
        urgent_at=timezone.now() if urgent else None,
    )
    _rescore(intake)
    intake.save()
    return intake


def sign_consents(patient: User, *kinds: str) -> list[ConsentSignature]:
    """The patient's signatures of the current version of `kinds` (already signed: kept)."""
    signatures = []
    for document in current_documents(kinds=kinds):
        signature, _ = ConsentSignature.objects.get_or_create(
            patient=patient,
            document=document,
            defaults={
                "typed_name": patient.full_name or "Pat Example",
                "legal_name": patient.full_name or "Pat Example",
                "agreed": True,
                "esign_consent": True,
                "text_sha256": document.sha256,
                "signed_at": timezone.now(),
                "ip_address": "127.0.0.1",
                "user_agent": "test set-up",
            },
        )
        signatures.append(signature)
    return signatures


def approve_patient(
    patient: User, *modalities: Modality, clinician: User | None = None, consents: bool = True
) -> Intake:
    """A reviewed intake approved for `modalities` (IV when none are named); with
    `consents`, the modalities' consents and the telehealth consent signed too."""
    if consents:
        kinds = required_kinds(modality=None, telehealth=True)
        for modality in modalities or (Modality.IV,):
            kinds += required_kinds(modality=modality, telehealth=False)
        sign_consents(patient, *kinds)
    intake = Intake.objects.filter(patient=patient).first() or submitted_intake(patient)
    reviewer = clinician or User.objects.filter(role=Role.CLINICIAN).first() or ClinicianFactory()
    intake_decide(
        intake=intake,
        clinician=reviewer,
        outcome="approved",
        modalities=[Modality(m).value for m in (modalities or (Modality.IV,))],
        note="Approved in test set-up.",
    )
    intake.refresh_from_db()
    return intake


def enrol_rems(patient: User, prescriber: User | None = None) -> RemsEnrollment:
    doctor = prescriber or User.objects.filter(role=Role.CLINICIAN).first() or ClinicianFactory()
    enrollment, _ = RemsEnrollment.objects.update_or_create(
        patient=patient,
        defaults={
            "enrolled_on": timezone.localdate(),
            "enrollment_reference": f"REMS-{patient.pk:06d}",
            "signed_by_patient": True,
            "signed_by_prescriber": True,
            "prescriber": doctor,
            "recorded_by": doctor,
        },
    )
    return enrollment
