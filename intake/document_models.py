"""Documents a patient uploads: a photo ID and the insurance card, front and back.

The file lives in Django's default storage (a git-ignored folder in development, an
S3-compatible bucket in production; docs/operations.md) under a random name, never under
a public URL: every download goes through intake's permission-checked, audited view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.uploads import EXTENSIONS
from portal.models import TimeStamped


def _stored_name(instance: PatientDocument, filename: str) -> str:
    """A random name: nothing of the patient's or the original file's name is kept."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"patient-documents/{uuid.uuid4().hex}.{extension}"


class PatientDocument(TimeStamped):
    class Kind(models.TextChoices):
        PHOTO_ID = "photo_id", _("Photo ID (driver's license, state ID or passport)")
        INSURANCE_FRONT = "insurance_front", _("Insurance card, front")
        INSURANCE_BACK = "insurance_back", _("Insurance card, back")

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=_stored_name, max_length=200)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="patientdocument_allowed_type",
                condition=Q(content_type__in=list(EXTENSIONS)),
            ),
            models.CheckConstraint(name="patientdocument_not_empty", condition=Q(size_bytes__gt=0)),
        ]
        indexes = [
            models.Index(fields=["patient", "kind", "-created_at"], name="patientdocument_latest"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} of patient {self.patient_id} ({self.created_at:%Y-%m-%d})"
        )

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.pk}.{EXTENSIONS[self.content_type]}"
