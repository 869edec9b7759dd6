"""Reads about intake that pages and the layers above need (bounded queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from intake import rules, steps
from intake.consent_selectors import consent_gaps
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
from portal.models import PERSON_FIELDS, Location, User

# --- for the layers above (scheduling's booking gate, front desk) ---


@dataclass(frozen=True)
class IntakeSummary:
    """What the patient's own pages say about their intake: where it stands, the
    clinic's message, and how far along it is (in progress only). No answers."""

    status: str
    approved_modality_labels: list[str]
    patient_message: str
    percent: int | None


def intake_summary_for_patient(*, patient: User) -> IntakeSummary | None:
    """A narrow read of the status columns; while the intake is in progress, a second
    one of only the C-SSRS steps' answers (the only answers that change which steps are
    asked) for the progress percentage. The other answers and drafts are never read."""
    found = (
        Intake.objects.filter(patient_id=patient.pk)
        .order_by()
        .values_list("status", "approved_modalities", "patient_message")[:1]
    )
    if not found:
        return None
    status, modalities, message = found[0]
    percent = None
    if status == Intake.Status.IN_PROGRESS:
        cssrs_keys = steps.CSSRS_STEP_KEYS
        mine = Intake.objects.filter(patient_id=patient.pk).order_by()
        progress = mine.values_list(
            "steps_done", *(KeyTransform(key, "answers") for key in cssrs_keys)
        )[:1]
        for done, *cssrs in progress:
            answers = dict(zip(cssrs_keys, cssrs, strict=True))
            finished, total = steps.progress(answers, done)
            percent = round(100 * finished / total)
    return IntakeSummary(
        status=status,
        approved_modality_labels=[str(Modality(m).label) for m in modalities],
        patient_message=message,
        percent=percent,
    )


@dataclass(frozen=True)
class IntakeScore:
    """An instrument's score on the patient's sent intake: the trend chart's first point."""

    day: dt.date
    total: int
    band: str


def intake_scores(*, patient: User) -> dict[str, IntakeScore]:
    """{"phq9": ..., "gad7": ...} from the sent intake (one narrow query; {} before it is
    sent). The day is the clinic-local day it was sent."""
    found = (
        Intake.objects.filter(patient_id=patient.pk, submitted_at__isnull=False)
        .order_by()
        .values_list("submitted_at", "phq9_total", "phq9_band", "gad7_total", "gad7_band")[:1]
    )
    scores: dict[str, IntakeScore] = {}
    for sent, phq9_total, phq9_band, gad7_total, gad7_band in found:
        day = timezone.localtime(sent).date()
        if phq9_total is not None:
            scores["phq9"] = IntakeScore(day, phq9_total, phq9_band)
        if gad7_total is not None:
            scores["gad7"] = IntakeScore(day, gad7_total, gad7_band)
    return scores


def approved_modalities(*, patient: User) -> frozenset[Modality]:
    rows = (
        Intake.objects.filter(patient=patient, status=Intake.Status.APPROVED)
        .order_by()
        .values_list("approved_modalities", flat=True)[:1]
    )
    return frozenset(Modality(m) for m in rows[0]) if rows else frozenset()


def rems_enrollment_for(*, patient: User) -> RemsEnrollment | None:
    return RemsEnrollment.objects.filter(patient=patient).first()


@dataclass(frozen=True)
class MedicationsReported:
    """What the patient's intake says about their medicines (its answers, verbatim)."""

    benzodiazepine: bool | None
    maoi: bool | None
    stimulant: bool | None
    medication_list: str


def medications_reported(*, patient: User) -> MedicationsReported | None:
    """The medications step of the patient's intake (None without one): one query that
    reads only that step's answers."""
    rows = (
        Intake.objects.filter(patient=patient)
        .order_by("-id")
        .values_list(KeyTransform(steps.MEDICATIONS.key, "answers"), flat=True)[:1]
    )
    answers = rows[0] if rows else None
    if not isinstance(answers, dict):
        return None

    def yes_no(key: str) -> bool | None:
        value = answers.get(key)
        return value if isinstance(value, bool) else None

    return MedicationsReported(
        benzodiazepine=yes_no("benzodiazepine"),
        maoi=yes_no("maoi"),
        stimulant=yes_no("stimulant"),
        medication_list=str(answers.get("medication_list") or ""),
    )


def dosing_gate_gaps(*, patient: User, modality: Modality) -> list[str]:
    """Why a dosing visit of `modality` may not be confirmed yet (empty: it may): the
    intake's approval, Spravato's REMS enrollment, and the current version of the
    modality's signed consents (intake.consents.REQUIRED_FOR_MODALITY)."""
    modality = Modality(modality)
    gaps = []
    if modality not in approved_modalities(patient=patient):
        gaps.append(f"Intake is not approved for {modality.label}.")
    if (
        modality == Modality.SPRAVATO
        and not RemsEnrollment.objects.filter(patient=patient).exists()
    ):
        gaps.append("Spravato REMS patient enrollment is not on file.")
    gaps += consent_gaps(patient=patient, modality=modality, telehealth=False)
    return gaps


def visit_gate_gaps(*, patient: User, modality: str | None, telehealth: bool) -> list[str]:
    """Why a visit may not be booked yet (empty: it may): a dosing visit's gate (above)
    and, for a telehealth visit, the signed telehealth consent (California B&P 2290.5)."""
    gaps = dosing_gate_gaps(patient=patient, modality=Modality(modality)) if modality else []
    if telehealth:
        gaps += consent_gaps(patient=patient, modality=None, telehealth=True)
    return gaps


def status_label(intake: Intake | IntakeSummary | None) -> str:
    if intake is None:
        return "Not started"
    if intake.status == Intake.Status.APPROVED:
        return "Approved for " + ", ".join(intake.approved_modality_labels)
    return Intake.Status(intake.status).label


def intake_status_label(*, patient: User) -> str:
    """Where the patient's intake stands, in words fit for the front desk: no answers,
    no scores, no flags."""
    return status_label(intake_summary_for_patient(patient=patient))


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


@dataclass(frozen=True)
class QueueFilter:
    """Which intakes a queue filter holds: those in `statuses`, and the urgent ones in
    `urgent_statuses` too (`q`)."""

    label: str
    statuses: tuple[str, ...]
    urgent_statuses: tuple[str, ...] = ()

    @property
    def q(self) -> Q:
        return Q(status__in=self.statuses) | Q(status__in=self.urgent_statuses, urgent=True)


QUEUE_FILTERS: dict[str, QueueFilter] = {
    "awaiting": QueueFilter(
        "Awaiting review (and urgent in progress)",
        statuses=Intake.AWAITING_REVIEW,
        urgent_statuses=(Intake.Status.IN_PROGRESS,),
    ),
    **{status.value: QueueFilter(status.label, statuses=(status,)) for status in Intake.Status},
    "all": QueueFilter("All", statuses=tuple(Intake.Status)),
}


QUEUE_PAGE_SIZE = 25
QUEUE_MAX_START = 1_000_000


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue. The first page (`start` None) holds QUEUE_PAGE_SIZE rows:
    every urgent intake first (all of them, up to QUEUE_LIMIT, even when they are more
    than a page), then the oldest others. A later page holds QUEUE_PAGE_SIZE of the
    others from `start`, their position counted from 0. `first`..`last` number the
    others shown (0, 0 when none). `previous_start` None on a later page: the previous
    page is the first. Each row is an Intake with its patient (and profile, for the
    name) and location, annotated with `waiting_since`."""

    rows: list[Intake]
    start: int | None
    urgent_count: int
    first: int
    last: int
    next_start: int | None
    previous_start: int | None
    urgent_truncated: bool


def _queue(
    queue_filter: QueueFilter, location_id: int | None, *, others_only: bool = False
) -> QuerySet[Intake]:
    """The queue's intakes in its order: urgent first, then by when sent (or when
    started, if not sent yet). Only the columns the row prints."""
    intakes = Intake.objects.filter(queue_filter.q)
    if location_id is not None:
        intakes = intakes.filter(location_id=location_id)
    if others_only:
        intakes = intakes.filter(urgent=False)
    return (
        intakes.annotate(waiting_since=Coalesce("submitted_at", "urgent_at", "created_at"))
        .select_related("patient__patient_profile", "location")
        .only(
            "urgent",
            "status",
            "phq9_total",
            "phq9_band",
            "gad7_total",
            "gad7_band",
            "cssrs_risk",
            "exclude_flag_count",
            "review_flag_count",
            "location__name",
            *(f"patient__{name}" for name in PERSON_FIELDS),
        )
        .order_by("-urgent", "waiting_since", "id")
    )


def review_queue(
    *, status: str = "awaiting", location_id: int | None = None, start: int | None = None
) -> QueuePage:
    """Urgent first, then oldest first (by when sent, or when started if not sent yet).
    One query a page (two on a first page with more urgent intakes than a page holds);
    reading one row more than the page tells whether there is a next page, no COUNT
    over a queue that keeps every intake ever sent."""
    queue_filter = QUEUE_FILTERS.get(status, QUEUE_FILTERS["awaiting"])
    size = QUEUE_PAGE_SIZE
    urgent_truncated = False
    if start is None:
        queue = _queue(queue_filter, location_id)
        found = list(queue[: size + 1])
        urgent = [row for row in found if row.urgent]
        if len(urgent) <= size:
            rest = found[len(urgent) : size]
            has_next = len(found) > size
        else:  # Every urgent intake stays on this page; the others start on the next.
            found += list(queue[size + 1 : QUEUE_LIMIT + 1])
            urgent = [row for row in found if row.urgent]
            urgent_truncated = len(urgent) > QUEUE_LIMIT
            urgent = urgent[:QUEUE_LIMIT]
            rest = []
            has_next = urgent_truncated or len(urgent) < len(found)
        offset = 0
    else:
        urgent = []
        found = list(_queue(queue_filter, location_id, others_only=True)[start : start + size + 1])
        rest = found[:size]
        has_next = len(found) > size
        offset = start
    return QueuePage(
        rows=[*urgent, *rest],
        start=start,
        urgent_count=len(urgent),
        first=offset + 1 if rest else 0,
        last=offset + len(rest),
        next_start=offset + len(rest) if has_next else None,
        previous_start=start - size if start is not None and start > size else None,
        urgent_truncated=urgent_truncated,
    )


def queue_locations() -> QuerySet[Location]:
    """The active locations, by name, for the queue's filter."""
    return Location.objects.filter(is_active=True).order_by("name").only("slug", "name")


def awaiting_review_counts() -> tuple[int, int]:
    """(awaiting review, of which urgent) for the clinician's home page: one query."""
    counts = Intake.objects.filter(QUEUE_FILTERS["awaiting"].q).aggregate(
        awaiting=Count("pk"), urgent=Count("pk", filter=Q(urgent=True))
    )
    return counts["awaiting"], counts["urgent"]


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
