"""Document pages (intake/document_urls.py). Patient A has uploaded a photo ID.

Each patient uploads and sees their own; patient B's guess at A's file is a 404; staff
see any patient's (every read audited)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from intake.document_services import document_upload
from tests.access.spec import PATIENT_PAGE, Route, World, expect

STAFF_PAPERWORK = expect(front_desk=200, clinician=200, therapist=200, clinic_admin=200)


def build(world: World) -> None:
    out = io.BytesIO()
    Image.new("RGB", (16, 10)).save(out, format="JPEG")
    world.objects["document"] = document_upload(
        patient=world.patient_a,
        kind="photo_id",
        upload=SimpleUploadedFile("id.jpg", out.getvalue(), content_type="image/jpeg"),
    )


ROUTES = [
    Route("intake:my-documents", PATIENT_PAGE),
    # A post without a file: the form again, saying what is missing.
    Route(
        "intake:my-documents",
        expect(patient_a=200, patient_b=200),
        method="post",
        data=lambda w: {"kind": "photo_id"},
    ),
    Route(
        "intake:document-download",
        expect(
            patient_a=200,
            patient_b=404,
            front_desk=200,
            clinician=200,
            therapist=200,
            clinic_admin=200,
        ),
        kwargs=lambda w: {"document_id": w.objects["document"].pk},
    ),
    Route(
        "intake:staff-patient-documents",
        STAFF_PAPERWORK,
        kwargs=lambda w: {"patient_id": w.patient_a.pk},
    ),
]
