"""Consent pages (intake/consent_urls.py). Patient A has signed the IV consent.

Any patient reads and signs the clinic's forms (they are not anyone's own); a signed copy
is its signer's (patient B's guess is a 404) and the staff's (every read audited)."""

from __future__ import annotations

from django.utils import timezone

from intake.consent_models import ConsentSignature
from intake.consent_selectors import current_document
from intake.consents import ConsentKind
from tests.access.spec import PATIENT_PAGE, Route, World, expect

STAFF_PAPERWORK = expect(front_desk=200, clinician=200, therapist=200, clinic_admin=200)


def build(world: World) -> None:
    document = current_document(kind=ConsentKind.TREATMENT_IV)
    world.objects["consent_document"] = document
    world.objects["consent_signature"] = ConsentSignature.objects.create(
        patient=world.patient_a,
        document=document,
        typed_name="Patient A",
        legal_name="Patient A",
        agreed=True,
        esign_consent=True,
        text_sha256=document.sha256,
        signed_at=timezone.now(),
    )


ROUTES = [
    Route("intake:consent-list", PATIENT_PAGE),
    Route(
        "intake:consent-sign",
        PATIENT_PAGE,
        kwargs=lambda w: {"document_id": w.objects["consent_document"].pk},
    ),
    # A post without the boxes ticked: the form again, with why (nothing signed); patient
    # A has signed this version already and is sent back to the list.
    Route(
        "intake:consent-sign",
        expect(patient_a=302, patient_b=200),
        kwargs=lambda w: {"document_id": w.objects["consent_document"].pk},
        method="post",
        data=lambda w: {"typed_name": "Nobody"},
    ),
    Route(
        "intake:consent-download",
        expect(
            patient_a=200,
            patient_b=404,
            front_desk=200,
            clinician=200,
            therapist=200,
            clinic_admin=200,
        ),
        kwargs=lambda w: {"signature_id": w.objects["consent_signature"].pk},
    ),
    Route(
        "intake:staff-patient-consents",
        STAFF_PAPERWORK,
        kwargs=lambda w: {"patient_id": w.patient_a.pk},
    ),
]
