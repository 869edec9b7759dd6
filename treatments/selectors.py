"""Reads the treatments pages need, with bounded queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from intake.modalities import Modality
from intake.models import Intake
from portal.links import url_for_ids
from portal.models import User, name_from_columns
from portal.sql import PreparedQuery, fits_bigint
from scheduling.models import Appointment
from treatments import protocols, rules
from treatments.models import (
    AftercareAcknowledgement,
    AftercareItem,
    Course,
    DosingSession,
    PlannedSession,
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
# only the columns they show and carry their dates and links ready to print: no model
# rows to build, no template filter or {% url %} per row.

_OPEN_PHASES = [Course.Phase.INDUCTION.value, Course.Phase.MAINTENANCE.value]
_PHASE_LABELS = dict(Course.Phase.choices)
_KIND_LABELS = dict(PlannedSession.Kind.choices)
_DOSE_KINDS = (PlannedSession.Kind.DOSING, PlannedSession.Kind.BOOSTER)
_MODALITY_LABELS = dict(Modality.choices)
_SESSION_STATUS_LABELS = dict(DosingSession.Status.choices)
_APPOINTMENT_STATUS_LABELS = dict(Appointment.Status.choices)


def _kind_label(kind: str, paired_integration: bool) -> str:
    label = _KIND_LABELS.get(kind, kind)
    return f"{label} + integration" if paired_integration else label


class _PlanRow(NamedTuple):
    """A course joined to one of its planned sessions (all None when it has none), that
    session's visit and the visit's location, and its chart."""

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
    session_id: int | None
    session_status: str | None

    @property
    def where(self) -> str:
        """Appointment.where, from the joined column."""
        return self.location_name or "Telehealth (video)"


# A patient's courses in the given phases with their plan, visits and charts: one query,
# one row per planned session. Written as SQL because the ORM spends about 1 ms of Python
# building and compiling this five-table join, several times what running it costs; the
# patient's home page runs it on every visit. The columns are those of _PlanRow.
_PATIENT_PLANS_SQL = """
SELECT c.id, c.modality, c.phase, c.next_booster_due,
       p.id, p.sequence, p.kind, p.phase, p.target_date, p.paired_integration,
       a.id, a.starts_at, a.status, l.name,
       s.id, s.status
FROM treatments_course c
LEFT JOIN treatments_plannedsession p ON p.course_id = c.id
LEFT JOIN scheduling_appointment a ON a.id = p.appointment_id
LEFT JOIN portal_location l ON l.id = a.location_id
LEFT JOIN treatments_dosingsession s ON s.planned_id = p.id
WHERE c.patient_id = %(patient)s AND c.phase = ANY(%(phases)s)
ORDER BY c.start_date DESC, c.id DESC, p.sequence
"""
_PATIENT_PLANS = PreparedQuery("treatments_patient_plans", _PATIENT_PLANS_SQL)
_ALL_PHASES = [phase.value for phase in Course.Phase]


def _patient_plan_rows(*, patient: User, phases: list[str]) -> list[_PlanRow]:
    rows = _PATIENT_PLANS.fetchall({"patient": patient.pk, "phases": phases})
    return [_PlanRow(*row) for row in rows]


def _walk(rows: Iterable[_PlanRow], *, is_open: bool) -> Iterator[tuple[_PlanRow, bool, bool]]:
    """(row, done, is_next) of each planned session in order; the next one is the first
    not discharged, while the course is open."""
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
    """One planned session on the clinician's course page."""

    sequence: int
    kind_label: str
    phase_label: str
    target: str
    visit: str
    chart_url: str
    chart_label: str
    start_url: str
    is_next: bool


@dataclass(frozen=True)
class StaffCourse:
    """The clinician's course page: who and what the course is, its progress, its plan."""

    course_id: int
    patient_id: int
    patient_name: str
    modality_label: str
    protocol_name: str
    started_on: str
    started_by_name: str
    stopped_reason: str
    is_open: bool
    booster_interval_days: int | None
    booster_due: str
    label: str
    percent: int
    phase_label: str
    entries: list[StaffEntry]


# The course, its patient (and profile), its protocol and who started it (and their
# profile, should they have one), then the columns of _PlanRow as in _PATIENT_PLANS_SQL:
# one query, one row per planned session.
_STAFF_COURSE_SQL = """
SELECT c.start_date, c.booster_interval_days, c.stopped_reason, c.patient_id,
       pu.role, pu.email, pu.full_name, pp.id, pp.preferred_name, pp.legal_name,
       pt.name, sb.role, sb.email, sb.full_name, sp.id, sp.preferred_name, sp.legal_name,
       c.id, c.modality, c.phase, c.next_booster_due,
       p.id, p.sequence, p.kind, p.phase, p.target_date, p.paired_integration,
       a.id, a.starts_at, a.status, l.name,
       s.id, s.status
FROM treatments_course c
JOIN portal_user pu ON pu.id = c.patient_id
LEFT JOIN portal_patientprofile pp ON pp.user_id = pu.id
JOIN treatments_protocoltemplate pt ON pt.id = c.protocol_id
JOIN portal_user sb ON sb.id = c.started_by_id
LEFT JOIN portal_patientprofile sp ON sp.user_id = sb.id
LEFT JOIN treatments_plannedsession p ON p.course_id = c.id
LEFT JOIN scheduling_appointment a ON a.id = p.appointment_id
LEFT JOIN portal_location l ON l.id = a.location_id
LEFT JOIN treatments_dosingsession s ON s.planned_id = p.id
WHERE c.id = %(course)s
ORDER BY p.sequence
"""
_STAFF_COURSE = PreparedQuery("treatments_staff_course", _STAFF_COURSE_SQL)
_STAFF_HEADER_WIDTH = 17


def course_page_for_staff(*, course_id: int) -> StaffCourse:
    """The clinician's course page: one query. Raises Course.DoesNotExist."""
    if not fits_bigint(course_id):
        raise Course.DoesNotExist(f"No course {course_id}.")
    rows = _STAFF_COURSE.fetchall({"course": course_id})
    if not rows:
        raise Course.DoesNotExist(f"No course {course_id}.")
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
        protocol_name,
        started_by_role,
        started_by_email,
        started_by_full_name,
        started_by_profile_id,
        started_by_preferred_name,
        started_by_legal_name,
    ) = rows[0][:_STAFF_HEADER_WIDTH]
    plan = [_PlanRow(*row[_STAFF_HEADER_WIDTH:]) for row in rows]
    course = plan[0]
    is_open = course.phase in _OPEN_PHASES
    chart_url = url_for_ids("treatments:session-chart")
    start_url = url_for_ids("treatments:session-start")
    entries: list[StaffEntry] = []
    steps: list[tuple[str, str, bool]] = []
    for row, done, is_next in _walk(plan, is_open=is_open):
        steps.append((row.planned_phase, row.kind, done))
        visit = ""
        if row.appointment_id is not None:
            status = _APPOINTMENT_STATUS_LABELS.get(row.appointment_status, row.appointment_status)
            visit = f"{timezone.localtime(row.starts_at):%a %-d %b %H:%M} · {status}"
        has_chart = row.session_id is not None
        entries.append(
            StaffEntry(
                sequence=row.sequence,
                kind_label=_kind_label(row.kind, row.paired_integration),
                phase_label=_PHASE_LABELS.get(row.planned_phase, row.planned_phase),
                target=f"{row.target_date:%a %-d %b}",
                visit=visit,
                chart_url=chart_url(row.session_id) if has_chart else "",
                chart_label=(
                    _SESSION_STATUS_LABELS.get(row.session_status, row.session_status)
                    if has_chart
                    else ""
                ),
                start_url=(
                    start_url(row.planned_id)
                    if not has_chart and is_open and row.kind in _DOSE_KINDS
                    else ""
                ),
                is_next=is_next,
            )
        )
    progress = course_progress(modality=course.modality, phase=course.phase, entries=steps)
    return StaffCourse(
        course_id=course_id,
        patient_id=patient_id,
        patient_name=name_from_columns(
            patient_role, patient_email, patient_full_name, profile_id, preferred_name, legal_name
        ),
        modality_label=_MODALITY_LABELS.get(course.modality, course.modality),
        protocol_name=protocol_name,
        started_on=f"{start_date:%-d %b %Y}",
        started_by_name=name_from_columns(
            started_by_role,
            started_by_email,
            started_by_full_name,
            started_by_profile_id,
            started_by_preferred_name,
            started_by_legal_name,
        ),
        stopped_reason=stopped_reason,
        is_open=is_open,
        booster_interval_days=booster_interval_days,
        booster_due=f"{course.next_booster_due:%a %-d %b %Y}" if course.next_booster_due else "",
        label=progress.label,
        percent=progress.percent,
        phase_label=_PHASE_LABELS.get(course.phase, course.phase),
        entries=entries,
    )


@dataclass(frozen=True)
class PatientEntry:
    """One planned session on the patient's own timeline."""

    kind_label: str
    when: str
    done: bool
    is_next: bool
    aftercare_url: str
    checkin_url: str


@dataclass(frozen=True)
class PatientCourse:
    """A course as its patient sees it. The next session is described by its visit
    (`next_when`, `next_where`) or, before one is booked, by its target day
    (`next_around`)."""

    course_id: int
    modality_label: str
    label: str
    percent: int
    phase_label: str
    next_when: str
    next_where: str
    next_around: str
    booster_due: str
    entries: list[PatientEntry]

    @property
    def has_next(self) -> bool:
        return bool(self.next_when or self.next_around)


@dataclass(frozen=True)
class _Formats:
    next_when: str
    next_around: str
    booster_due: str


def _patient_courses(
    rows: list[_PlanRow], *, formats: _Formats, with_entries: bool
) -> list[PatientCourse]:
    if with_entries:
        aftercare_url = url_for_ids("treatments:aftercare")
        checkin_url = url_for_ids("treatments:checkin")
    by_course: dict[int, list[_PlanRow]] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)
    views: list[PatientCourse] = []
    for course_id, course_rows in by_course.items():
        first = course_rows[0]
        steps: list[tuple[str, str, bool]] = []
        entries: list[PatientEntry] = []
        next_when = next_where = next_around = ""
        for row, done, is_next in _walk(course_rows, is_open=first.phase in _OPEN_PHASES):
            steps.append((row.planned_phase, row.kind, done))
            local = timezone.localtime(row.starts_at) if row.appointment_id is not None else None
            if is_next:
                if local is not None:
                    next_when, next_where = format(local, formats.next_when), row.where
                else:
                    next_around = format(row.target_date, formats.next_around)
            if with_entries:
                entries.append(
                    PatientEntry(
                        kind_label=_kind_label(row.kind, row.paired_integration),
                        when=(
                            f"{local:%a %-d %b, %H:%M}"
                            if local is not None
                            else f"around {row.target_date:%a %-d %b}"
                        ),
                        done=done,
                        is_next=is_next,
                        aftercare_url=aftercare_url(row.session_id) if done else "",
                        checkin_url=checkin_url(row.session_id) if done else "",
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
                next_when=next_when,
                next_where=next_where,
                next_around=next_around,
                booster_due=(
                    format(first.next_booster_due, formats.booster_due)
                    if first.next_booster_due
                    else ""
                ),
                entries=entries,
            )
        )
    return views


def course_timelines_for_patient(*, patient: User) -> list[PatientCourse]:
    """Every course of the patient, newest first, with its whole timeline: one query."""
    return _patient_courses(
        _patient_plan_rows(patient=patient, phases=_ALL_PHASES),
        formats=_Formats(
            next_when="%A %-d %B, %H:%M", next_around="%A %-d %B", booster_due="%A %-d %B %Y"
        ),
        with_entries=True,
    )


def open_courses_for_panel(*, patient: User) -> list[PatientCourse]:
    """The patient's open courses, their progress and next visit (home page): one query."""
    return _patient_courses(
        _patient_plan_rows(patient=patient, phases=_OPEN_PHASES),
        formats=_Formats(
            next_when="%a %-d %b, %H:%M", next_around="%a %-d %b", booster_due="%a %-d %b %Y"
        ),
        with_entries=False,
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


def sessions_for_day(*, day: dt.date | None = None) -> list[PlannedSession]:
    """Dosing visits on `day` in the clinic's zone, with their chart's status."""
    day = day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return list(
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
            "course",
            "course__patient",
            "course__patient__patient_profile",
            "session",
        )
        .order_by("appointment__starts_at", "id")
    )


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
    discharged_on: str
    remaining: int
    url: str


# Unread items counted in the database: no item or acknowledgement rows come back. SQL
# for the reason given at _PATIENT_PLANS_SQL (the ORM form costs 2 ms of Python to build).
_AFTERCARE_DUE_SQL = """
SELECT s.id, s.discharged_at,
       (SELECT count(*) FROM treatments_aftercareitem i
        WHERE i.modality = s.modality AND i.is_active
          AND NOT EXISTS (SELECT 1 FROM treatments_aftercareacknowledgement k
                          WHERE k.session_id = s.id AND k.item_id = i.id))
FROM treatments_dosingsession s
WHERE s.patient_id = %(patient)s AND s.status = %(discharged)s
ORDER BY s.discharged_at DESC, s.id DESC
LIMIT %(limit)s
"""
_AFTERCARE_DUE = PreparedQuery("treatments_aftercare_due", _AFTERCARE_DUE_SQL)


def aftercare_due(*, patient: User, limit: int = 10) -> list[AftercareDue]:
    """Of the patient's last `limit` discharged sessions, those whose aftercare checklist
    still has unread (active) items: one query."""
    params = {
        "patient": patient.pk,
        "discharged": DosingSession.Status.DISCHARGED.value,
        "limit": limit,
    }
    rows = _AFTERCARE_DUE.fetchall(params)
    url = url_for_ids("treatments:aftercare")
    return [
        AftercareDue(
            session_id=session_id,
            discharged_on=f"{timezone.localtime(discharged_at):%a %-d %b}",
            remaining=unread,
            url=url(session_id),
        )
        for session_id, discharged_at, unread in rows
        if unread
    ]
