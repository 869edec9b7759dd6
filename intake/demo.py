"""Demo intakes for `make run` (registered as a DemoSeeder; idempotent).

The demo patient (patient@demo.clinic) is approved for IV ketamine and Spravato with
REMS enrollment on file and every consent form signed, so the scheduling and treatment
demos can book dosing visits.
A second demo patient (jordan@demo.clinic) has a sent intake awaiting review, with a
needs-review flag, so the clinician's queue has something in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from intake import steps
from intake.modalities import Modality
from intake.models import Intake, RemsEnrollment
from portal.models import Location, Role, User

DEMO_REVIEWER = "clinician@demo.clinic"
DEMO_PATIENT = "patient@demo.clinic"
DEMO_WAITING = "jordan@demo.clinic"

_HISTORY: dict[str, Any] = {
    "bp_systolic": 124,
    "bp_diastolic": 80,
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


def _answers(*, benzodiazepine: bool, phq9: list[int], gad7: list[int]) -> dict[str, Any]:
    return {
        steps.CONTACT.key: {"confirmed": True},
        steps.HISTORY.key: dict(_HISTORY),
        steps.MEDICATIONS.key: {
            "antidepressant": True,
            "benzodiazepine": benzodiazepine,
            "maoi": False,
            "stimulant": False,
            "medication_list": "escitalopram 20 mg"
            + (", lorazepam 0.5 mg as needed" if benzodiazepine else ""),
        },
        steps.PHQ9.key: {f"item_{n}": v for n, v in enumerate(phq9, start=1)},
        steps.GAD7.key: {f"item_{n}": v for n, v in enumerate(gad7, start=1)},
        steps.CSSRS.key: {"q1": False, "q2": False},
        steps.CSSRS_BEHAVIOUR.key: {"q6": False, "q6_recent": None},
        steps.CONSENT.key: {"agree": True, "signature": "demo"},
    }


def _sent_intake(patient: User, answers: dict[str, Any], days_ago: int) -> Intake:
    from intake.services import _rescore

    profile = getattr(patient, "patient_profile", None)
    intake = Intake(
        patient=patient,
        status=Intake.Status.SUBMITTED,
        location=(profile.preferred_location if profile else None)
        or Location.objects.order_by("name").first(),
        answers=answers,
        steps_done=[s.key for s in steps.sequence(answers)],
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        consent_name=patient.display_name,
    )
    _rescore(intake)
    intake.save()
    return intake


def _sign_demo_consents(patient: User) -> None:
    """The demo patient has signed every current form, so the demo books their visits."""
    from intake.consent_models import ConsentSignature
    from intake.consent_selectors import missing_consents
    from intake.consent_services import consent_sign
    from intake.consents import ConsentKind

    profile = getattr(patient, "patient_profile", None)
    name = (profile.legal_name if profile else "") or ""
    for document in missing_consents(patient=patient, kinds=ConsentKind.values):
        if name:
            consent_sign(
                patient=patient,
                document=document,
                typed_name=name,
                agreed=True,
                esign_consent=True,
                ip_address=None,
                user_agent="demo data",
            )
        else:
            ConsentSignature.objects.create(
                patient=patient,
                document=document,
                typed_name=patient.display_name,
                agreed=True,
                esign_consent=True,
                text_sha256=document.sha256,
                signed_at=timezone.now(),
                user_agent="demo data",
            )


def seed_demo_intakes() -> None:
    from intake.services import intake_decide
    from portal.services import patient_profile_update, user_create_verified

    reviewer = User.objects.filter(email=DEMO_REVIEWER).first()
    dana = User.objects.filter(email=DEMO_PATIENT).first()
    if reviewer is None or dana is None:
        return
    if not Intake.objects.filter(patient=dana).exists():
        intake = _sent_intake(
            dana,
            _answers(benzodiazepine=False, phq9=[2, 2, 2, 2, 1, 2, 1, 1, 0], gad7=[2] * 7),
            days_ago=10,
        )
        intake_decide(
            intake=intake,
            clinician=reviewer,
            outcome="approved",
            modalities=[Modality.IV.value, Modality.SPRAVATO.value],
            message_to_patient="Welcome. The front desk will help you book your first visit.",
            note="Demo: treatment-resistant depression, two adequate SSRI trials.",
        )
    RemsEnrollment.objects.get_or_create(
        patient=dana,
        defaults={
            "enrolled_on": timezone.localdate() - dt.timedelta(days=7),
            "enrollment_reference": "REMS-DEMO-0001",
            "signed_by_patient": True,
            "signed_by_prescriber": True,
            "prescriber": reviewer,
            "recorded_by": reviewer,
        },
    )

    _sign_demo_consents(dana)

    jordan = User.objects.filter(email=DEMO_WAITING).first()
    if jordan is None:
        from portal.management.commands.seed_demo import DEMO_PASSWORD

        jordan = user_create_verified(
            email=DEMO_WAITING, password=DEMO_PASSWORD, role=Role.PATIENT, full_name="Jordan Lee"
        )
        patient_profile_update(
            user=jordan,
            legal_name="Jordan Lee",
            preferred_name="Jordan",
            date_of_birth=dt.date(1979, 9, 3),
            phone="(916) 555-0190",
            emergency_contact_name="Robin Lee",
            emergency_contact_phone="(916) 555-0191",
            preferred_location=Location.objects.filter(slug="roseville").first(),
        )
    if not Intake.objects.filter(patient=jordan).exists():
        _sent_intake(
            jordan,
            _answers(
                benzodiazepine=True, phq9=[3, 3, 2, 3, 2, 2, 2, 1, 0], gad7=[2, 3, 2, 2, 1, 2, 2]
            ),
            days_ago=2,
        )
