"""Consent documents (versioned clinic data) and patients' signatures of them.

A document row is one version of one kind of consent. Once anyone has signed it, its
text never changes: the admin shows it read-only, the service refuses, and a database
trigger (migration intake 0003) refuses an UPDATE of its text. A change is a new row
with the next version, which asks every patient for a new signature.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from intake.consents import ConsentKind, text_sha256
from portal.models import TimeStamped


class ConsentDocument(TimeStamped):
    kind = models.CharField(max_length=30, choices=ConsentKind.choices)
    version = models.PositiveSmallIntegerField(
        help_text="1, 2, 3... A new text is a new version: add a row, do not edit a signed one."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    effective_date = models.DateField(
        help_text="From this day on, this version is the one patients sign (if active)."
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick to retire a version without replacing it."
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="consentdocument_kind_version"
            ),
            models.CheckConstraint(
                name="consentdocument_version_positive", condition=Q(version__gt=0)
            ),
            models.CheckConstraint(name="consentdocument_has_body", condition=~Q(body="")),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def sha256(self) -> str:
        return text_sha256(title=self.title, body=self.body)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class ConsentSignature(TimeStamped):
    """A patient's electronic signature of one version: intent ("I agree"), consent to
    sign electronically, the typed name, the text's fingerprint, when and from where.
    Append-only: a database trigger refuses UPDATE (migration intake 0003)."""

    document = models.ForeignKey(
        ConsentDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_signatures"
    )
    typed_name = models.CharField(max_length=150)
    legal_name = models.CharField(max_length=150, help_text="The legal name on file when signed.")
    agreed = models.BooleanField()
    esign_consent = models.BooleanField()
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "document"], name="consentsignature_once_per_version"
            ),
            models.CheckConstraint(
                name="consentsignature_intent_and_esign",
                condition=Q(agreed=True, esign_consent=True),
            ),
            models.CheckConstraint(name="consentsignature_has_name", condition=~Q(typed_name="")),
        ]

    def __str__(self) -> str:
        return f"Signature {self.pk} of {self.document} ({self.signed_at:%Y-%m-%d})"
