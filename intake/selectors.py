"""Reads about intake that pages and the layers above need (bounded queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
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
from portal.clinic_data import ClinicDataCache
from portal.links import url_for_ids
from portal.models import Location, User, name_from_columns, person_name_sql
from portal.sql import PreparedQuery

# --- for the layers above (scheduling's booking gate, front desk) ---


@dataclass(frozen=True)
class IntakeSummary:
    """What the patient's own pages say about their intake: where it stands, the
    clinic's message, and how far along it is (in progress only). No answers."""

    status: str
    approved_modality_labels: list[str]
    patient_message: str
    percent: int | None


# Every patient page with an intake panel reads this (the home above all): plain SQL,
# prepared, for the reason in portal/sql.py. One intake a patient (a unique constraint).
_SUMMARY = PreparedQuery(
    "intake_summary",
    "SELECT status, approved_modalities, patient_message FROM intake_intake"
    " WHERE patient_id = %(patient)s",
)


def intake_summary_for_patient(*, patient: User) -> IntakeSummary | None:
    """A narrow read of the status columns; while the intake is in progress, a second
    one of only the C-SSRS steps' answers (the only answers that change which steps are
    asked) for the progress percentage. The other answers and drafts are never read."""
    rows = _SUMMARY.fetchall({"patient": patient.pk})
    if not rows:
        return None
    status, modalities, message = rows[0]
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
        approved_modality_labels=[Modality(m).label for m in modalities],
        patient_message=message,
        percent=percent,
    )


def approved_modalities(*, patient: User) -> frozenset[Modality]:
    rows = (
        Intake.objects.filter(patient=patient, status=Intake.Status.APPROVED)
        .order_by()
        .values_list("approved_modalities", flat=True)[:1]
    )
    return frozenset(Modality(m) for m in rows[0]) if rows else frozenset()


def rems_enrollment_for(*, patient: User) -> RemsEnrollment | None:
    return RemsEnrollment.objects.filter(patient=patient).first()


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
    `urgent_statuses` too. One definition for the queue's SQL and for the ORM (`q`)."""

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
_STATUS_LABELS: dict[str, str] = dict(Intake.Status.choices)
_NO_SCORE = "\u2013"  # an en dash, as the page showed for "not answered"


class QueueRow(TypedDict):
    """One intake in the queue, ready to print: no template filter or tag per row. (A
    dict: the template engine looks a key up faster than an attribute.) A score not yet
    answered prints as an en dash with an empty band."""

    pk: int
    url: str
    name: str
    urgent: bool
    status: str
    waiting_since: str
    phq9: str
    phq9_band: str
    gad7: str
    gad7_band: str
    cssrs_risk: str
    exclude_flags: int
    review_flags: int
    location: str


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue. The first page (`start` None) holds QUEUE_PAGE_SIZE rows:
    every urgent intake first (all of them, up to QUEUE_LIMIT, even when they are more
    than a page), then the oldest others. A later page holds QUEUE_PAGE_SIZE of the
    others from `start`, their position counted from 0. `first`..`last` number the
    others shown (0, 0 when none). `previous_start` None on a later page: the previous
    page is the first."""

    rows: list[QueueRow]
    start: int | None
    urgent_count: int
    first: int
    last: int
    next_start: int | None
    previous_start: int | None
    urgent_truncated: bool


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _waiting_since(moment: dt.datetime) -> str:
    """What `|date:"D j M, H:i"` prints in the clinic's zone, without the filter."""
    local = timezone.localtime(moment)
    day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{day} {local.day} {month}, {local.hour:02d}:{local.minute:02d}"


class QueueLocation(NamedTuple):
    pk: int
    slug: str
    name: str


# The queue's location picker, in plain SQL: three rows, whose ORM read cost 0.3 ms of
# Python to compile against 0.05 ms to run this.
_ACTIVE_LOCATIONS = PreparedQuery(
    "intake_active_locations",
    "SELECT id, slug, name FROM portal_location WHERE is_active ORDER BY name",
)


def _read_queue_locations() -> tuple[QueueLocation, ...]:
    return tuple(QueueLocation(*row) for row in _ACTIVE_LOCATIONS.fetchall())


# Clinic data, the same for every request: kept in the process (portal.clinic_data).
queue_locations = ClinicDataCache(_read_queue_locations, models=(Location,))
"""The active locations, by name, for the queue's filter."""


# The queue's page, in plain SQL: the same read through the ORM (a four-table `.values()`)
# cost about 0.8 ms of Python to compile and turn into dicts, four times what PostgreSQL
# spends running it. The filter's statuses arrive as arrays; a location and a first row
# among the non-urgent intakes (a later page) only when given. Newest-waiting last:
# urgent first, then by when sent (or when started, if not sent yet).
#
# The page's intakes are chosen from the intake table alone, and only those rows get their
# names (by primary key, in a subquery OFFSET 0 keeps PostgreSQL from flattening into a
# four-table join): planning that join took 0.5 ms on every request, more than running it,
# and this shape plans in 0.2 ms.
_QUEUE_SQL = f"""
SELECT i.id, i.urgent, i.status, i.waiting_since,
       i.phq9_total, i.phq9_band, i.gad7_total, i.gad7_band, i.cssrs_risk,
       i.exclude_flag_count, i.review_flag_count,
       (SELECT name FROM portal_location WHERE id = i.location_id),
       p.role, p.email, p.full_name, p.profile_id, p.preferred_name, p.legal_name
FROM (
  SELECT id, urgent, status, COALESCE(submitted_at, urgent_at, created_at) AS waiting_since,
         phq9_total, phq9_band, gad7_total, gad7_band, cssrs_risk,
         exclude_flag_count, review_flag_count, location_id, patient_id
  FROM intake_intake
  WHERE (status = ANY(%(statuses)s) OR (urgent AND status = ANY(%(urgent_statuses)s)))
    AND (%(location)s::bigint IS NULL OR location_id = %(location)s::bigint)
    AND NOT (%(others_only)s AND urgent)
  ORDER BY urgent DESC, waiting_since, id
  LIMIT %(limit)s OFFSET %(offset)s
) i
CROSS JOIN LATERAL {person_name_sql("i.patient_id")} p
ORDER BY i.urgent DESC, i.waiting_since, i.id
"""  # noqa: S608 (composed at import from constants; values go in as parameters)
_QUEUE = PreparedQuery("intake_review_queue", _QUEUE_SQL)


def _queue_rows(
    queue_filter: QueueFilter,
    location_id: int | None,
    *,
    others_only: bool = False,
    offset: int = 0,
    limit: int,
) -> list[tuple[Any, ...]]:
    params = {
        "statuses": list(queue_filter.statuses),
        "urgent_statuses": list(queue_filter.urgent_statuses),
        "location": location_id,
        "others_only": others_only,
        "limit": limit,
        "offset": offset,
    }
    return _QUEUE.fetchall(params)


def _score(total: int | None) -> str:
    return _NO_SCORE if total is None else str(total)


def review_queue(
    *, status: str = "awaiting", location_id: int | None = None, start: int | None = None
) -> QueuePage:
    """Urgent first, then oldest first (by when sent, or when started if not sent yet).
    One query a page (two on a first page with more urgent intakes than a page holds);
    a LIMIT n+1 probe tells whether there is a next page, no COUNT."""
    queue_filter = QUEUE_FILTERS.get(status, QUEUE_FILTERS["awaiting"])
    size = QUEUE_PAGE_SIZE
    urgent_truncated = False
    if start is None:
        found = _queue_rows(queue_filter, location_id, limit=size + 1)
        urgent = [r for r in found if r[1]]
        if len(urgent) <= size:
            rest = found[len(urgent) : size]
            has_next = len(found) > size
        else:  # Every urgent intake stays on this page; the others start on the next.
            found += _queue_rows(
                queue_filter, location_id, offset=size + 1, limit=QUEUE_LIMIT - size
            )
            urgent = [r for r in found if r[1]]
            urgent_truncated = len(urgent) > QUEUE_LIMIT
            urgent = urgent[:QUEUE_LIMIT]
            rest = []
            has_next = urgent_truncated or len(urgent) < len(found)
        offset = 0
    else:
        urgent = []
        found = _queue_rows(
            queue_filter, location_id, others_only=True, offset=start, limit=size + 1
        )
        rest = found[:size]
        has_next = len(found) > size
        offset = start
    detail_url = url_for_ids("intake:review-detail", "intake_id")
    rows = [
        QueueRow(
            pk=pk,
            url=detail_url(pk),
            name=name_from_columns(*patient_columns),
            urgent=is_urgent,
            status=_STATUS_LABELS[status_value],
            waiting_since=_waiting_since(waiting_since),
            phq9=_score(phq9_total),
            phq9_band=phq9_band if phq9_total is not None else "",
            gad7=_score(gad7_total),
            gad7_band=gad7_band if gad7_total is not None else "",
            cssrs_risk=cssrs_risk or _NO_SCORE,
            exclude_flags=exclude_flags,
            review_flags=review_flags,
            location=location_name or _NO_SCORE,
        )
        for (
            pk,
            is_urgent,
            status_value,
            waiting_since,
            phq9_total,
            phq9_band,
            gad7_total,
            gad7_band,
            cssrs_risk,
            exclude_flags,
            review_flags,
            location_name,
            *patient_columns,  # person_name_sql's, in its order
        ) in (*urgent, *rest)
    ]
    return QueuePage(
        rows=rows,
        start=start,
        urgent_count=len(urgent),
        first=offset + 1 if rest else 0,
        last=offset + len(rest),
        next_start=offset + len(rest) if has_next else None,
        previous_start=start - size if start is not None and start > size else None,
        urgent_truncated=urgent_truncated,
    )


def awaiting_review_counts() -> tuple[int, int]:
    """(awaiting review, of which urgent) for the clinician's home page."""
    queryset = Intake.objects.filter(QUEUE_FILTERS["awaiting"].q)
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
