"""Writes about uploaded documents: a patient uploads their ID or insurance card."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from intake.document_models import PatientDocument
from intake.uploads import UploadRefusedError, clean_upload, megabytes
from portal.models import User
from portal.permissions import ensure_patient


def document_upload(*, patient: User, kind: str, upload: UploadedFile) -> PatientDocument:
    """Check the file by its content, re-encode an image without its metadata, store it
    under a random name and record it. A refused file leaves nothing behind."""
    ensure_patient(patient)
    if kind not in PatientDocument.Kind.values:
        raise ValidationError({"kind": _("Please choose which document this is.")})
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    # The size the upload declares is checked before a byte is read into memory.
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _("This file is larger than %(limit)s. Please upload a smaller one.")
                % {"limit": megabytes(limit)}
            }
        )
    data = upload.read(limit + 1)
    try:
        clean = clean_upload(data, max_bytes=limit)
    except UploadRefusedError as refused:
        raise ValidationError({"file": str(refused)}) from refused
    document = PatientDocument(
        patient=patient,
        kind=kind,
        content_type=clean.content_type,
        size_bytes=len(clean.content),
        sha256=hashlib.sha256(clean.content).hexdigest(),
        uploaded_by=patient,
    )
    document.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document
