"""Reads the treatments pages need, with bounded queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from intake.models import Intake
from portal.models import User
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


def _course_queryset() -> QuerySet[Course]:
    return Course.objects.select_related("patient", "protocol", "location").prefetch_related(
        Prefetch(
            "planned",
            queryset=PlannedSession.objects.select_related(
                "appointment", "appointment__location", "session"
            ).order_by("sequence"),
        )
    )


def course_view(course: Course) -> CourseView:
    """The timeline and progress of one course (`course` from `_course_queryset`)."""
    entries: list[TimelineEntry] = []
    next_found = False
    doses_done = doses_total = 0
    for planned in course.planned.all():
        session = getattr(planned, "session", None)
        done = session is not None and session.status == DosingSession.Status.DISCHARGED
        if planned.is_dose and planned.kind != PlannedSession.Kind.BOOSTER:
            doses_total += 1
            doses_done += int(done)
        is_next = False
        if not done and not next_found and course.is_open:
            is_next = next_found = True
        entries.append(TimelineEntry(planned=planned, session=session, done=done, is_next=is_next))
    if course.phase == Course.Phase.INDUCTION:
        induction = [
            e
            for e in entries
            if e.planned.phase == Course.Phase.INDUCTION
            and e.planned.kind == PlannedSession.Kind.DOSING
        ]
        total = len(induction)
        done_count = sum(e.done for e in induction)
    else:
        total, done_count = doses_total, doses_done
    percent = round(100 * done_count / total) if total else 0
    return CourseView(
        course=course,
        entries=entries,
        doses_done=done_count,
        doses_total=total,
        label=protocols.progress_label(course.modality, done_count, total),
        percent=percent,
        next_entry=next((e for e in entries if e.is_next), None),
    )


def courses_for_patient(*, patient: User) -> list[CourseView]:
    return [course_view(c) for c in _course_queryset().filter(patient=patient)]


def course_for_staff(*, course_id: int) -> Course:
    # The page names the patient and who started the course: joined here, not one query each.
    return (
        _course_queryset()
        .select_related("patient__patient_profile", "started_by")
        .get(pk=course_id)
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


def aftercare_to_acknowledge(*, patient: User, limit: int = 10) -> list[AftercareView]:
    """Discharged sessions whose aftercare checklist still has unread items."""
    # The acknowledged item ids come with the sessions (one query, not a prefetch).
    sessions = list(
        DosingSession.objects.filter(patient=patient, status=DosingSession.Status.DISCHARGED)
        .annotate(
            acked_item_ids=ArrayAgg(
                "acknowledgements__item_id",
                filter=Q(acknowledgements__isnull=False),
                default=Value([]),
            )
        )
        .order_by("-discharged_at")[:limit]
    )
    if not sessions:
        return []
    items_by_modality: dict[str, list[AftercareItem]] = {}
    for item in AftercareItem.objects.filter(
        modality__in={s.modality for s in sessions}, is_active=True
    ):
        items_by_modality.setdefault(item.modality, []).append(item)
    views = []
    for s in sessions:
        acked = frozenset(s.acked_item_ids)
        view = AftercareView(
            session=s, items=items_by_modality.get(s.modality, []), acknowledged_ids=acked
        )
        if not view.all_acknowledged:
            views.append(view)
    return views
