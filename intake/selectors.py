"""Reads about intake that pages and the layers above need (bounded queries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from intake import rules, steps
from intake.forms import (
    ConsentForm,
    CssrsBehaviourForm,
    CssrsScreenForm,
    CssrsThoughtsForm,
    Gad7Form,
    MedicalHistoryForm,
    MedicationsForm,
    Phq9Form,
)
from intake.instruments import ANSWER_CHOICES, cssrs_questions_to_ask
from intake.modalities import Modality
from intake.models import Intake, RemsEnrollment, ScreeningSettings
from portal.models import Location, User

# --- for the layers above (scheduling's booking gate, front desk) ---


def intake_for_patient(*, patient: User) -> Intake | None:
    return Intake.objects.filter(patient=patient).first()


def approved_modalities(*, patient: User) -> frozenset[Modality]:
    intake = Intake.objects.filter(patient=patient, status=Intake.Status.APPROVED).first()
    if intake is None:
        return frozenset()
    return frozenset(Modality(m) for m in intake.approved_modalities)


def rems_enrollment_for(*, patient: User) -> RemsEnrollment | None:
    return RemsEnrollment.objects.filter(patient=patient).first()


def dosing_gate_gaps(*, patient: User, modality: Modality) -> list[str]:
    """Why a dosing visit of `modality` may not be confirmed yet (empty: it may)."""
    modality = Modality(modality)
    gaps = []
    if modality not in approved_modalities(patient=patient):
        gaps.append(f"Intake is not approved for {modality.label}.")
    if (
        modality == Modality.SPRAVATO
        and not RemsEnrollment.objects.filter(patient=patient).exists()
    ):
        gaps.append("Spravato REMS patient enrollment is not on file.")
    return gaps


def status_label(intake: Intake | None) -> str:
    if intake is None:
        return "Not started"
    if intake.status == Intake.Status.APPROVED:
        return "Approved for " + ", ".join(intake.approved_modality_labels)
    return intake.get_status_display()


def intake_status_label(*, patient: User) -> str:
    """Where the patient's intake stands, in words fit for the front desk: no answers,
    no scores, no flags."""
    return status_label(intake_for_patient(patient=patient))


# --- rules applied to one intake ---


def thresholds() -> rules.Thresholds:
    s = ScreeningSettings.load()
    return rules.Thresholds(
        systolic_limit=s.systolic_limit,
        diastolic_limit=s.diastolic_limit,
        minimum_age=s.minimum_age,
    )


def reported_from(intake: Intake) -> rules.Reported:
    history = intake.answers.get(steps.HISTORY.key) or {}
    medications = intake.answers.get(steps.MEDICATIONS.key) or {}
    profile = getattr(intake.patient, "patient_profile", None)
    age = profile.age_on(timezone.localdate()) if profile is not None else None
    fields = {f for f in rules.Reported.__dataclass_fields__ if f != "age"}
    values: dict[str, Any] = {k: v for k, v in {**history, **medications}.items() if k in fields}
    values["substance_use_details"] = values.get("substance_use_details") or ""
    return rules.Reported(age=age, **values)


def intake_flags(intake: Intake, limits: rules.Thresholds | None = None) -> list[rules.Flag]:
    return rules.evaluate(reported_from(intake), limits or thresholds())


# --- the clinician's queue and review page ---

QUEUE_LIMIT = 200

QUEUE_FILTERS: dict[str, tuple[str, Q]] = {
    "awaiting": (
        "Awaiting review (and urgent in progress)",
        Q(status__in=Intake.AWAITING_REVIEW) | Q(status=Intake.Status.IN_PROGRESS, urgent=True),
    ),
    **{status.value: (status.label, Q(status=status)) for status in Intake.Status},
    "all": ("All", Q()),
}


def review_queue(*, status: str = "awaiting", location: Location | None = None) -> QuerySet[Intake]:
    """Urgent first, then oldest first (by when sent, or when started if not sent yet)."""
    _label, condition = QUEUE_FILTERS.get(status, QUEUE_FILTERS["awaiting"])
    queryset = Intake.objects.filter(condition)
    if location is not None:
        queryset = queryset.filter(location=location)
    return (
        queryset.select_related("patient", "patient__patient_profile", "location")
        .annotate(waiting_since=Coalesce("submitted_at", "urgent_at", "created_at"))
        .defer("answers", "drafts")
        .order_by("-urgent", "waiting_since", "id")[:QUEUE_LIMIT]
    )


def awaiting_review_counts() -> tuple[int, int]:
    """(awaiting review, of which urgent) for the clinician's home page."""
    queryset = Intake.objects.filter(QUEUE_FILTERS["awaiting"][1])
    return queryset.count(), queryset.filter(urgent=True).count()


def intake_for_review(*, intake_id: int) -> QuerySet[Intake]:
    return Intake.objects.filter(pk=intake_id).select_related(
        "patient", "patient__patient_profile", "location"
    )


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True)
class AnsweredStep:
    title: str
    answers: list[Answer]


STEP_FORMS: dict[str, type] = {
    steps.HISTORY.key: MedicalHistoryForm,
    steps.MEDICATIONS.key: MedicationsForm,
    steps.PHQ9.key: Phq9Form,
    steps.GAD7.key: Gad7Form,
    steps.CSSRS.key: CssrsScreenForm,
    steps.CSSRS_THOUGHTS.key: CssrsThoughtsForm,
    steps.CSSRS_BEHAVIOUR.key: CssrsBehaviourForm,
    steps.CONSENT.key: ConsentForm,
}


def _readable(value: Any, field: Any) -> str:
    if value is None or value == "":
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field is not None and getattr(field, "choices", None) and isinstance(value, int):
        return dict(ANSWER_CHOICES).get(value, str(value)) + f" ({value})"
    return str(value)


def answered_steps(intake: Intake) -> list[AnsweredStep]:
    """Every answer, in the order asked, with the question's own words. Questions the
    C-SSRS skip rule did not ask are left out."""
    asked = set(cssrs_questions_to_ask(steps.cssrs_answers(intake.answers)))
    result = []
    for step in steps.sequence(intake.answers):
        stored = intake.answers.get(step.key)
        if step.key == steps.CONTACT.key or stored is None:
            continue
        form = STEP_FORMS[step.key]()
        rows = []
        for name, field in form.fields.items():
            if step.key in steps.CSSRS_STEPS and name not in asked:
                continue
            rows.append(Answer(str(field.label), _readable(stored.get(name), field)))
        result.append(AnsweredStep(step.title, rows))
    return result


def status_board(*, status: str = "", limit: int = QUEUE_LIMIT) -> QuerySet[Intake]:
    """The front desk's list: who, where, which status. Nothing else is fetched."""
    queryset = Intake.objects.all()
    if status in Intake.Status.values:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("patient", "patient__patient_profile", "location")
        .defer("answers", "drafts")
        .order_by("-updated_at")[:limit]
    )
