"""Reads the treatments pages need, with bounded queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from intake.modalities import Modality
from intake.models import Intake
from portal.formats import format_day
from portal.i18n import in_language, language_of
from portal.identity import PatientIdentity, age_on
from portal.models import Language, User, display_name_from, name_from_columns
from portal.notifications import timing
from scheduling.models import TELEHEALTH_PLACE, Appointment
from treatments import protocols, readiness, rules
from treatments.models import (
    AftercareAcknowledgement,
    AftercareItem,
    Course,
    DosingSession,
    Escort,
    PlannedSession,
    Preparation,
    ReadinessCheck,
    RemsMonitoringForm,
    TreatmentSettings,
)


def dosing_sessions_for(*, patient: User) -> QuerySet[DosingSession]:
    """A patient's dosing sessions (for charts): modality and discharged_at on each."""
    return (
        DosingSession.objects.filter(patient=patient)
        .select_related("course", "appointment")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class TimelineEntry:
    planned: PlannedSession
    session: DosingSession | None
    done: bool
    is_next: bool


@dataclass(frozen=True)
class CourseView:
    course: Course
    entries: list[TimelineEntry]
    doses_done: int
    doses_total: int
    label: str
    percent: int
    next_entry: TimelineEntry | None

    @property
    def phase_label(self) -> str:
        return self.course.get_phase_display()


def _course_queryset() -> QuerySet[Course]:
    return Course.objects.select_related("patient", "protocol", "location").prefetch_related(
        Prefetch(
            "planned",
            queryset=PlannedSession.objects.select_related(
                "appointment", "appointment__location", "session"
            ).order_by("sequence"),
        )
    )


@dataclass(frozen=True)
class Progress:
    """Where a course stands: "infusion 3 of 6", as a percentage too."""

    doses_done: int
    doses_total: int
    label: str
    percent: int


def course_progress(
    *, modality: str, phase: str, entries: Iterable[tuple[str, str, bool]]
) -> Progress:
    """`entries` are (planned phase, kind, done) of a course's planned sessions. In
    induction the induction doses count; after it, every dose (boosters aside)."""
    if phase == Course.Phase.INDUCTION:
        counted = [
            done
            for planned_phase, kind, done in entries
            if planned_phase == Course.Phase.INDUCTION and kind == PlannedSession.Kind.DOSING
        ]
    else:
        counted = [done for _phase, kind, done in entries if kind == PlannedSession.Kind.DOSING]
    total = len(counted)
    done_count = sum(counted)
    return Progress(
        doses_done=done_count,
        doses_total=total,
        label=protocols.progress_label(modality, done_count, total),
        percent=round(100 * done_count / total) if total else 0,
    )


def course_view(course: Course) -> CourseView:
    """The timeline and progress of one course (`course` from `_course_queryset`)."""
    entries: list[TimelineEntry] = []
    next_found = False
    for planned in course.planned.all():
        session = getattr(planned, "session", None)
        done = session is not None and session.status == DosingSession.Status.DISCHARGED
        is_next = False
        if not done and not next_found and course.is_open:
            is_next = next_found = True
        entries.append(TimelineEntry(planned=planned, session=session, done=done, is_next=is_next))
    progress = course_progress(
        modality=course.modality,
        phase=course.phase,
        entries=[(e.planned.phase, e.planned.kind, e.done) for e in entries],
    )
    return CourseView(
        course=course,
        entries=entries,
        doses_done=progress.doses_done,
        doses_total=progress.doses_total,
        label=progress.label,
        percent=progress.percent,
        next_entry=next((e for e in entries if e.is_next), None),
    )


def course_for_staff(*, course_id: int) -> Course:
    # The page names the patient and who started the course: joined here, not one query each.
    return (
        _course_queryset()
        .select_related("patient__patient_profile", "started_by")
        .get(pk=course_id)
    )


# ---------------------------------------------------------------- the course pages
#
# The clinician's course page, the patient's own page and the patient's home panel read
# only the columns they show, as one `values_list` query each (the course LEFT JOINed to
# its planned sessions, their visits, the visits' locations and services, and their
# charts); the templates format dates and build links.

_OPEN_PHASES = [Course.Phase.INDUCTION.value, Course.Phase.MAINTENANCE.value]
_PHASE_LABELS = dict(Course.Phase.choices)
_KIND_LABELS = dict(PlannedSession.Kind.choices)
_DOSE_KINDS = (PlannedSession.Kind.DOSING, PlannedSession.Kind.BOOSTER)
_MODALITY_LABELS = dict(Modality.choices)
_SESSION_STATUS_LABELS = dict(DosingSession.Status.choices)
_APPOINTMENT_STATUS_LABELS = dict(Appointment.Status.choices)


def _kind_label(kind: str, paired_integration: bool) -> str:
    label = _KIND_LABELS.get(kind, kind)
    return gettext("%(kind)s + integration") % {"kind": label} if paired_integration else label


class _PlanRow(NamedTuple):
    """A course joined to one of its planned sessions (all None when it has none), that
    session's visit, the visit's location and service, and its chart."""

    course_id: int
    modality: str
    phase: str
    next_booster_due: dt.date | None
    planned_id: int | None
    sequence: int | None
    kind: str | None
    planned_phase: str | None
    target_date: dt.date | None
    paired_integration: bool | None
    appointment_id: int | None
    starts_at: dt.datetime | None
    appointment_status: str | None
    location_name: str | None
    service_modality: str | None
    session_id: int | None
    session_status: str | None

    @property
    def where(self) -> str:
        """Appointment.where, from the joined column."""
        return self.location_name or str(TELEHEALTH_PLACE)


# The columns of _PlanRow, as lookups from a course.
_PLAN_COLUMNS = (
    "id",
    "modality",
    "phase",
    "next_booster_due",
    "planned__id",
    "planned__sequence",
    "planned__kind",
    "planned__phase",
    "planned__target_date",
    "planned__paired_integration",
    "planned__appointment__id",
    "planned__appointment__starts_at",
    "planned__appointment__status",
    "planned__appointment__location__name",
    "planned__appointment__service__modality",
    "planned__session__id",
    "planned__session__status",
)
_ALL_PHASES = [phase.value for phase in Course.Phase]


def _patient_plan_rows(*, patient: User, phases: list[str]) -> list[_PlanRow]:
    """A patient's courses in `phases` with their plan, visits and charts: one query,
    one row per planned session."""
    rows = (
        Course.objects.filter(patient=patient, phase__in=phases)
        .order_by("-start_date", "-id", "planned__sequence")
        .values_list(*_PLAN_COLUMNS)
    )
    return [_PlanRow(*row) for row in rows]


def _walk(rows: Iterable[_PlanRow], *, is_open: bool) -> Iterator[tuple[_PlanRow, bool, bool]]:
    """(row, done, is_next) of each planned session in order; the next one is the first
    not discharged, while the course is open. Only a discharged chart counts as done."""
    next_found = False
    for row in rows:
        if row.planned_id is None:
            continue
        done = row.session_status == DosingSession.Status.DISCHARGED
        is_next = is_open and not done and not next_found
        next_found = next_found or is_next
        yield row, done, is_next


@dataclass(frozen=True)
class StaffEntry:
    """One planned session on the clinician's course page. `appointment_id` is set when
    its chart may open now; otherwise `chart_refusal` says why not (a dose only)."""

    sequence: int
    kind_label: str
    phase_label: str
    target_date: dt.date
    starts_at: dt.datetime | None
    visit_status: str
    session_id: int | None
    chart_label: str
    start_appointment_id: int | None
    chart_refusal: str
    is_next: bool


@dataclass(frozen=True)
class ConcurrentNote:
    """Another open dosing course of the same patient, and the prescriber's reason."""

    course_id: int
    modality_label: str
    reason: str
    confirmed_by: str


@dataclass(frozen=True)
class StaffCourse:
    """The clinician's course page: who and what the course is, its progress, its plan."""

    course_id: int
    patient_id: int
    patient_name: str
    patient: PatientIdentity
    modality_label: str
    protocol_name: str
    start_date: dt.date
    started_by_name: str
    stopped_reason: str
    is_open: bool
    booster_interval_days: int | None
    next_booster_due: dt.date | None
    label: str
    percent: int
    phase_label: str
    entries: list[StaffEntry]
    concurrent: list[ConcurrentNote]


_STAFF_HEADER = (
    "start_date",
    "booster_interval_days",
    "stopped_reason",
    "patient_id",
    "patient__role",
    "patient__email",
    "patient__full_name",
    "patient__patient_profile__id",
    "patient__patient_profile__preferred_name",
    "patient__patient_profile__legal_name",
    "patient__patient_profile__date_of_birth",
    "patient__patient_profile__chart_number",
    "protocol__name",
    "started_by__role",
    "started_by__email",
    "started_by__full_name",
)


def chart_refusal_for(row: _PlanRow, *, today: dt.date) -> str:
    """Why this planned dose's chart cannot open now ("" when it can)."""
    if row.appointment_id is None:
        return "No visit booked: a chart opens from its visit, on the day, after check-in."
    return rules.chart_refusal(
        service_modality=row.service_modality or "",
        appointment_status=row.appointment_status or "",
        visit_day=timezone.localdate(row.starts_at),
        today=today,
    )


def course_page_for_staff(*, course_id: int) -> StaffCourse:
    """The clinician's course page: the course and its plan in one query, and the notes
    of concurrent courses in one more. Raises Course.DoesNotExist."""
    rows = list(
        Course.objects.filter(pk=course_id)
        .order_by("planned__sequence")
        .values_list(*_STAFF_HEADER, *_PLAN_COLUMNS)
    )
    if not rows:
        raise Course.DoesNotExist(f"No course {course_id}.")
    width = len(_STAFF_HEADER)
    (
        start_date,
        booster_interval_days,
        stopped_reason,
        patient_id,
        patient_role,
        patient_email,
        patient_full_name,
        profile_id,
        preferred_name,
        legal_name,
        date_of_birth,
        chart_number,
        protocol_name,
        started_by_role,
        started_by_email,
        started_by_full_name,
    ) = rows[0][:width]
    plan = [_PlanRow(*row[width:]) for row in rows]
    course = plan[0]
    is_open = course.phase in _OPEN_PHASES
    today = timezone.localdate()
    entries: list[StaffEntry] = []
    steps: list[tuple[str, str, bool]] = []
    for row, done, is_next in _walk(plan, is_open=is_open):
        steps.append((row.planned_phase, row.kind, done))
        has_chart = row.session_id is not None
        refusal = ""
        start_id = None
        if not has_chart and is_open and row.kind in _DOSE_KINDS:
            refusal = chart_refusal_for(row, today=today)
            start_id = row.appointment_id if not refusal else None
        entries.append(
            StaffEntry(
                sequence=row.sequence,
                kind_label=_kind_label(row.kind, row.paired_integration),
                phase_label=_PHASE_LABELS.get(row.planned_phase, row.planned_phase),
                target_date=row.target_date,
                starts_at=row.starts_at,
                visit_status=_APPOINTMENT_STATUS_LABELS.get(
                    row.appointment_status, row.appointment_status or ""
                ),
                session_id=row.session_id,
                chart_label=(
                    _SESSION_STATUS_LABELS.get(row.session_status, row.session_status)
                    if has_chart
                    else ""
                ),
                start_appointment_id=start_id,
                chart_refusal=refusal,
                is_next=is_next,
            )
        )
    progress = course_progress(modality=course.modality, phase=course.phase, entries=steps)
    return StaffCourse(
        course_id=course.course_id,
        patient_id=patient_id,
        patient_name=name_from_columns(
            patient_role, patient_email, patient_full_name, profile_id, preferred_name, legal_name
        ),
        patient=PatientIdentity(
            user_id=patient_id,
            legal_name=legal_name or "",
            preferred_name=preferred_name or "",
            date_of_birth=date_of_birth,
            age=age_on(date_of_birth, timezone.localdate()),
            chart_number=chart_number or "",
            email=patient_email,
        ),
        modality_label=_MODALITY_LABELS.get(course.modality, course.modality),
        protocol_name=protocol_name,
        start_date=start_date,
        started_by_name=display_name_from(
            role=started_by_role,
            email=started_by_email,
            full_name=started_by_full_name,
            profile_names=None,
        ),
        stopped_reason=stopped_reason,
        is_open=is_open,
        booster_interval_days=booster_interval_days,
        next_booster_due=course.next_booster_due,
        label=progress.label,
        percent=progress.percent,
        phase_label=_PHASE_LABELS.get(course.phase, course.phase),
        entries=entries,
        concurrent=concurrent_notes(course_id=course.course_id),
    )


def concurrent_notes(*, course_id: int) -> list[ConcurrentNote]:
    """The course this one was confirmed to run alongside, and the courses confirmed to
    run alongside it, each with the prescriber's reason: one query."""
    rows = Course.objects.filter(
        Q(pk=course_id, concurrent_with__isnull=False) | Q(concurrent_with_id=course_id)
    ).values_list(
        "id",
        "modality",
        "concurrent_with_id",
        "concurrent_with__modality",
        "concurrent_reason",
        "concurrent_confirmed_by__full_name",
        "concurrent_confirmed_by__email",
    )
    notes = []
    for own_id, modality, with_id, with_modality, reason, by_name, by_email in rows:
        other_id, other_modality = (
            (with_id, with_modality) if own_id == course_id else (own_id, modality)
        )
        notes.append(
            ConcurrentNote(
                course_id=other_id,
                modality_label=_MODALITY_LABELS.get(other_modality, other_modality),
                reason=reason,
                confirmed_by=by_name or by_email or "",
            )
        )
    return notes


@dataclass(frozen=True)
class PatientEntry:
    """One planned session on the patient's own timeline: its visit's time, or before
    one is booked its target day; done only once its chart is discharged."""

    kind_label: str
    starts_at: dt.datetime | None
    target_date: dt.date
    done: bool
    is_next: bool
    session_id: int | None


@dataclass(frozen=True)
class PatientCourse:
    """A course as its patient sees it. The next session is described by its visit
    (`next_starts_at`, `next_where`) or, before one is booked, by its target day
    (`next_around`)."""

    course_id: int
    modality_label: str
    label: str
    percent: int
    phase_label: str
    next_starts_at: dt.datetime | None
    next_where: str
    next_around: dt.date | None
    next_booster_due: dt.date | None
    entries: list[PatientEntry]

    @property
    def has_next(self) -> bool:
        return self.next_starts_at is not None or self.next_around is not None


def _patient_courses(rows: list[_PlanRow], *, with_entries: bool) -> list[PatientCourse]:
    by_course: dict[int, list[_PlanRow]] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)
    views: list[PatientCourse] = []
    for course_id, course_rows in by_course.items():
        first = course_rows[0]
        steps: list[tuple[str, str, bool]] = []
        entries: list[PatientEntry] = []
        next_starts_at: dt.datetime | None = None
        next_where = ""
        next_around: dt.date | None = None
        for row, done, is_next in _walk(course_rows, is_open=first.phase in _OPEN_PHASES):
            steps.append((row.planned_phase, row.kind, done))
            if is_next:
                if row.appointment_id is not None:
                    next_starts_at, next_where = row.starts_at, row.where
                else:
                    next_around = row.target_date
            if with_entries:
                entries.append(
                    PatientEntry(
                        kind_label=_kind_label(row.kind, row.paired_integration),
                        starts_at=row.starts_at if row.appointment_id is not None else None,
                        target_date=row.target_date,
                        done=done,
                        is_next=is_next,
                        session_id=row.session_id if done else None,
                    )
                )
        progress = course_progress(modality=first.modality, phase=first.phase, entries=steps)
        views.append(
            PatientCourse(
                course_id=course_id,
                modality_label=_MODALITY_LABELS.get(first.modality, first.modality),
                label=progress.label,
                percent=progress.percent,
                phase_label=_PHASE_LABELS.get(first.phase, first.phase),
                next_starts_at=next_starts_at,
                next_where=next_where,
                next_around=next_around,
                next_booster_due=first.next_booster_due,
                entries=entries,
            )
        )
    return views


def course_timelines_for_patient(*, patient: User) -> list[PatientCourse]:
    """Every course of the patient, newest first, with its whole timeline: one query."""
    return _patient_courses(
        _patient_plan_rows(patient=patient, phases=_ALL_PHASES), with_entries=True
    )


def open_courses_for_panel(*, patient: User) -> list[PatientCourse]:
    """The patient's open courses, their progress and next visit (home page): one query."""
    return _patient_courses(
        _patient_plan_rows(patient=patient, phases=_OPEN_PHASES), with_entries=False
    )


def open_courses_of(*, patient: User) -> list[Course]:
    """The patient's open courses (the course form warns of a second one): one query."""
    return list(
        Course.objects.filter(patient=patient, phase__in=_OPEN_PHASES)
        .only("id", "modality", "phase", "start_date")
        .order_by("start_date", "id")
    )


def approved_intakes_without_open_course(*, limit: int = 50) -> list[Intake]:
    """Approved patients with no course in induction or maintenance: courses to start."""
    return list(
        Intake.objects.filter(status=Intake.Status.APPROVED)
        .exclude(
            patient__treatment_courses__phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE]
        )
        .select_related("patient", "patient__patient_profile")
        .order_by("decided_at", "id")[:limit]
    )


def open_courses(*, limit: int = 200) -> list[CourseView]:
    courses = _course_queryset().filter(
        phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE]
    )
    return [course_view(c) for c in courses.order_by("start_date", "id")[:limit]]


def courses_needing_scheduling(*, limit: int = 50) -> QuerySet[Course]:
    """Open courses with planned sessions that have no live visit and no chart."""
    today = timezone.localdate()
    return (
        Course.objects.filter(phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE])
        .annotate(
            unscheduled=Count(
                "planned",
                filter=(
                    Q(planned__appointment__isnull=True)
                    | Q(planned__appointment__status="cancelled")
                )
                & Q(planned__session__isnull=True)
                & Q(planned__target_date__gte=today - dt.timedelta(days=14)),
            )
        )
        .filter(unscheduled__gt=0)
        .select_related("patient", "patient__patient_profile")
        .order_by("start_date", "id")[:limit]
    )


@dataclass(frozen=True)
class BoardRow:
    """A dosing visit of the day and where its chart stands: `chart_refusal` says why a
    chart cannot open yet (not checked in, ...), empty when it can."""

    planned: PlannedSession
    chart_refusal: str

    @property
    def appointment(self) -> Appointment:
        return self.planned.appointment

    @property
    def session(self) -> DosingSession | None:
        return getattr(self.planned, "session", None)

    @property
    def can_check_in(self) -> bool:
        """Today's visit, not checked in yet: a nurse may check the patient in here."""
        appointment = self.planned.appointment
        return (
            appointment.status == Appointment.Status.SCHEDULED
            and timezone.localdate(appointment.starts_at) == timezone.localdate()
        )


def sessions_for_day(*, day: dt.date | None = None) -> list[BoardRow]:
    """Dosing visits on `day` in the clinic's zone, with their chart's status: one query."""
    today = timezone.localdate()
    day = day or today
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    planned = (
        PlannedSession.objects.filter(
            appointment__starts_at__gte=start,
            appointment__starts_at__lt=end,
            course__phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE],
        )
        .exclude(appointment__status="cancelled")
        .select_related(
            "appointment",
            "appointment__location",
            "appointment__clinician",
            "appointment__service",
            "course",
            "course__patient",
            "course__patient__patient_profile",
            "session",
        )
        .order_by("appointment__starts_at", "id")
    )
    return [
        BoardRow(
            planned=p,
            chart_refusal=rules.chart_refusal(
                service_modality=p.appointment.service.modality,
                appointment_status=p.appointment.status,
                visit_day=timezone.localdate(p.appointment.starts_at),
                today=today,
            ),
        )
        for p in planned
    ]


@dataclass(frozen=True)
class RemsDue:
    form: RemsMonitoringForm
    window: rules.RemsWindow


def rems_forms_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[RemsDue]:
    now = now or timezone.now()
    clinic = TreatmentSettings.load()
    forms = (
        RemsMonitoringForm.objects.filter(submitted_at__isnull=True)
        .select_related("session", "patient", "patient__patient_profile")
        .order_by("due_on", "id")[:limit]
    )
    return [
        RemsDue(
            form=f,
            window=rules.rems_form_window(
                session_ended_at=f.session.discharged_at or f.created_at,
                now=now,
                days=clinic.rems_form_days,
                zone=settings.TIME_ZONE,
            ),
        )
        for f in forms
    ]


@dataclass(frozen=True)
class AftercareView:
    session: DosingSession
    items: list[AftercareItem]
    acknowledged_ids: frozenset[int]

    @property
    def all_acknowledged(self) -> bool:
        return all(i.pk in self.acknowledged_ids for i in self.items)

    @property
    def remaining(self) -> int:
        return sum(1 for i in self.items if i.pk not in self.acknowledged_ids)


def aftercare_view(session: DosingSession) -> AftercareView:
    items = list(AftercareItem.objects.filter(modality=session.modality, is_active=True))
    acked = frozenset(
        AftercareAcknowledgement.objects.filter(session=session).values_list("item_id", flat=True)
    )
    return AftercareView(session=session, items=items, acknowledged_ids=acked)


@dataclass(frozen=True)
class AftercareDue:
    """A discharged session whose aftercare checklist the patient has not fully read."""

    session_id: int
    discharged_at: dt.datetime
    remaining: int


def aftercare_due(*, patient: User, limit: int = 10) -> list[AftercareDue]:
    """Of the patient's last `limit` discharged sessions, those whose aftercare checklist
    still has unread (active) items: one query, the unread items counted in the database."""
    unread = (
        AftercareItem.objects.filter(modality=OuterRef("modality"), is_active=True)
        .exclude(
            Exists(
                AftercareAcknowledgement.objects.filter(
                    session_id=OuterRef(OuterRef("pk")), item_id=OuterRef("pk")
                )
            )
        )
        .order_by()
        .values("modality")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        DosingSession.objects.filter(patient=patient, status=DosingSession.Status.DISCHARGED)
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        .order_by("-discharged_at", "-id")
        .values_list("id", "discharged_at", "unread")[:limit]
    )
    return [
        AftercareDue(session_id=session_id, discharged_at=discharged_at, remaining=left)
        for session_id, discharged_at, left in rows
        if left
    ]


# ---------------------------------------------------------------- before the dose


def preparation_for(modality: str) -> list[str]:
    """How to get ready for a visit of `modality`: its own lines, then every visit's, in
    the active language where the clinic wrote it."""
    rows = (
        Preparation.objects.filter(is_active=True)
        .filter(Q(modality=modality) | Q(modality=""))
        .order_by("order", "id")
        .values_list("text", "text_es")
    )
    return [in_language(text, text_es) for text, text_es in rows]


def _dosing_visits() -> QuerySet[Appointment]:
    return Appointment.objects.exclude(service__modality="").select_related("service", "location")


@dataclass(frozen=True)
class NextDose:
    visit: Appointment  # annotated with `answered` (the evening check is in)
    day_label: str  # "Thursday" within the week, else "Thu 17 Dec"; "today", "tomorrow"


def next_dosing_visit(*, patient: User) -> NextDose | None:
    """The patient's next booked dosing visit, with whether the evening check is in."""
    visit = (
        _dosing_visits()
        .filter(
            patient=patient,
            status=Appointment.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .annotate(answered=Exists(ReadinessCheck.objects.filter(appointment=OuterRef("pk"))))
        .order_by("starts_at")
        .first()
    )
    if visit is None:
        return None
    day = timezone.localdate(visit.starts_at)
    days = (day - timezone.localdate()).days
    if days == 0:
        label = gettext("today")
    elif days == 1:
        label = gettext("tomorrow")
    elif days < 7:
        label = date_format(day, "l")
    else:
        label = format_day(day)
    return NextDose(visit=visit, day_label=label)


def own_dosing_visit(*, patient: User, appointment_id: int) -> Appointment:
    """The patient's own dosing visit; another's or a non-dosing one is DoesNotExist."""
    return _dosing_visits().get(pk=appointment_id, patient=patient)


@dataclass(frozen=True)
class VisitReadiness:
    """What the desk sees beside a dosing visit: the escort and the evening check."""

    escort: str  # readiness.ESCORT_*
    readiness: str  # readiness.READY / NEEDS_A_LOOK / NOT_READY / NO_ANSWER


def visit_readiness(visits: Iterable[tuple[int, int, str]]) -> dict[int, VisitReadiness]:
    """For dosing visits as (id, patient id, modality): two queries whatever their number."""
    visits = [v for v in visits if v[2]]
    if not visits:
        return {}
    ids = [pk for pk, _, _ in visits]
    patients = {patient for _, patient, _ in visits}
    escorts = set(
        Escort.objects.filter(patient_id__in=patients)
        .filter(Q(appointment_id__in=ids) | Q(appointment__isnull=True))
        .values_list("patient_id", "appointment_id")
    )
    checks = {c.appointment_id: c for c in ReadinessCheck.objects.filter(appointment_id__in=ids)}
    notes = {}
    for pk, patient_id, modality in visits:
        check = checks.get(pk)
        notes[pk] = VisitReadiness(
            escort=readiness.escort_state(
                named=(patient_id, pk) in escorts or (patient_id, None) in escorts,
                ride_confirmed=check.ride_confirmed if check is not None else None,
            ),
            readiness=readiness.readiness(answers_of(check), modality=modality).status,
        )
    return notes


def answers_of(check: ReadinessCheck | None) -> readiness.Answers | None:
    if check is None:
        return None
    return readiness.Answers(
        ride_confirmed=check.ride_confirmed,
        fasting_understood=check.fasting_understood,
        new_benzodiazepine=check.new_benzodiazepine,
        new_opioid=check.new_opioid,
        new_stimulant=check.new_stimulant,
        feeling_unwell=check.feeling_unwell,
        nasal_spray_timing_understood=check.nasal_spray_timing_understood,
    )


@dataclass(frozen=True)
class CallRow:
    appointment_id: int
    starts_at: dt.datetime
    where: str
    patient: str
    phone: str
    # The desk calls in the patient's language (their profile's).
    speaks_spanish: bool = False


def call_list(*, now: dt.datetime | None = None, limit: int = 200) -> list[CallRow]:
    """Dosing visits whose evening check was not answered by the clinic's answer-by time,
    from then until the visit starts: the desk calls these patients in the morning."""
    now = now or timezone.now()
    clinic = TreatmentSettings.load()
    zone = timezone.get_default_timezone()
    visits = (
        _dosing_visits()
        .filter(
            status=Appointment.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=2),
            readiness_check__isnull=True,
        )
        .select_related("patient__patient_profile")
        .order_by("starts_at", "id")[:limit]
    )
    return [
        CallRow(
            appointment_id=a.pk,
            starts_at=a.starts_at,
            where=a.where,
            patient=a.patient.display_name,
            phone=getattr(getattr(a.patient, "patient_profile", None), "phone", ""),
            speaks_spanish=language_of(a.patient) == Language.SPANISH,
        )
        for a in visits
        if readiness.on_call_list(
            answered=False,
            answer_by=timing.evening_before_at(a.starts_at, clinic.readiness_answer_by, zone),
            now=now,
            visit_starts_at=a.starts_at,
        )
    ]


def readiness_for_chart(check: ReadinessCheck | None, *, modality: str) -> readiness.Readiness:
    return readiness.readiness(answers_of(check), modality=modality)


def escort_told(*, session_id: int) -> bool:
    """Whether "Tell the escort" has written its text for this session."""
    from portal.notifications.models import Notification

    return Notification.objects.filter(
        idempotency_key=f"session:{session_id}:escort-pickup"
    ).exists()
