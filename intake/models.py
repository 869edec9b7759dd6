"""Intake screening: a patient's answers, the clinician's decision, REMS enrollment."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from intake.modalities import Modality
from portal.models import ClinicSettingsBase, Location, TimeStamped


class ScreeningSettings(ClinicSettingsBase):
    """Numbers the clinic decides, not the code. Seeded by migration; edited in the admin."""

    systolic_limit = models.PositiveSmallIntegerField(
        default=160,
        help_text="Reported systolic pressure at or above this raises an 'uncontrolled "
        "hypertension' flag.",
    )
    diastolic_limit = models.PositiveSmallIntegerField(
        default=100,
        help_text="Reported diastolic pressure at or above this raises the same flag.",
    )
    minimum_age = models.PositiveSmallIntegerField(
        default=18, help_text="Patients younger than this are flagged."
    )

    class Meta:
        verbose_name = "screening settings"
        verbose_name_plural = "screening settings"

    def __str__(self) -> str:
        return "Screening settings"


class Intake(TimeStamped):
    """One patient's screening: answers per step, scores, and where it stands.

    Answers are kept per step in `answers` (the questions change with the clinic's
    forms; the instruments' scores are kept in columns so the queue can sort and show
    them without reading every answer).
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        EVALUATION_NEEDED = "evaluation_needed", "Evaluation visit needed"

    AWAITING_REVIEW = (Status.SUBMITTED, Status.UNDER_REVIEW)
    DECIDED = (Status.APPROVED, Status.NOT_ELIGIBLE, Status.EVALUATION_NEEDED)

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intakes"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    # What the patient typed on a step they left without finishing (or that was refused):
    # shown again when they come back, so nothing typed is lost.
    drafts = models.JSONField(default=dict, blank=True)
    steps_done = ArrayField(models.CharField(max_length=30), default=list, blank=True)

    phq9_total = models.PositiveSmallIntegerField(null=True, blank=True)
    phq9_band = models.CharField(max_length=20, blank=True)
    gad7_total = models.PositiveSmallIntegerField(null=True, blank=True)
    gad7_band = models.CharField(max_length=20, blank=True)
    cssrs_risk = models.CharField(max_length=10, blank=True)
    exclude_flag_count = models.PositiveSmallIntegerField(default=0)
    review_flag_count = models.PositiveSmallIntegerField(default=0)

    urgent = models.BooleanField(default=False)
    urgent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    consent_name = models.CharField(max_length=150, blank=True)

    # The current decision (history in IntakeDecision).
    approved_modalities = ArrayField(
        models.CharField(max_length=20, choices=Modality.choices), default=list, blank=True
    )
    patient_message = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "submitted_at", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["patient"], name="intake_one_per_patient"),
            models.CheckConstraint(
                name="intake_approved_names_modalities",
                condition=~models.Q(status="approved") | ~models.Q(approved_modalities=[]),
            ),
            models.CheckConstraint(
                name="intake_urgent_has_time",
                condition=models.Q(urgent=False) | models.Q(urgent_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-urgent", "submitted_at"], name="intake_queue"),
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} ({self.get_status_display()})"

    @property
    def approved_modality_labels(self) -> list[str]:
        return [str(Modality(m).label) for m in self.approved_modalities]


class IntakeDecision(TimeStamped):
    """A clinician's eligibility decision. The latest one is copied onto the intake."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved for treatment"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        EVALUATION_NEEDED = "evaluation_needed", "Evaluation visit needed"

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="decisions")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_decisions"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_decisions_made"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    modalities = ArrayField(
        models.CharField(max_length=20, choices=Modality.choices), default=list, blank=True
    )
    message_to_patient = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="For the care team; the patient never sees it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="intakedecision_approval_names_modalities",
                condition=~models.Q(outcome="approved") | ~models.Q(modalities=[]),
            ),
            models.CheckConstraint(
                name="intakedecision_refusal_has_message",
                condition=~models.Q(outcome="not_eligible") | ~models.Q(message_to_patient=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def modality_labels(self) -> list[str]:
        return [str(Modality(m).label) for m in self.modalities]


class RemsEnrollment(TimeStamped):
    """Spravato REMS patient enrollment: required before the first Spravato dose."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rems_enrollment"
    )
    enrolled_on = models.DateField()
    enrollment_reference = models.CharField(max_length=60)
    signed_by_patient = models.BooleanField(default=False)
    signed_by_prescriber = models.BooleanField(default=False)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="remsenrollment_signed_by_both",
                condition=models.Q(signed_by_patient=True, signed_by_prescriber=True),
            ),
            models.CheckConstraint(
                name="remsenrollment_has_reference", condition=~models.Q(enrollment_reference="")
            ),
        ]

    def __str__(self) -> str:
        return f"REMS enrollment {self.enrollment_reference} ({self.enrolled_on})"


# Consents and uploaded documents live in their own modules (imported here so that
# Django finds their models).
from intake.consent_models import ConsentDocument, ConsentSignature  # noqa: E402
from intake.document_models import PatientDocument  # noqa: E402

__all__ = [
    "ConsentDocument",
    "ConsentSignature",
    "Intake",
    "IntakeDecision",
    "PatientDocument",
    "RemsEnrollment",
    "ScreeningSettings",
]
