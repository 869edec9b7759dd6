"""Every write treatments knows: courses, series scheduling, charting, discharge,
REMS forms, aftercare acknowledgements and next-day check-ins, booster reminders.

Each service is atomic and the only place that writes outbox rows (in the same
transaction). Rules come from the pure modules `protocols` and `rules`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from intake.modalities import Modality
from intake.selectors import approved_modalities, dosing_gate_gaps, medications_reported
from intake.services import safety_path_trigger
from portal.audit import audit_clinical_write, audit_record
from portal.formats import format_when
from portal.models import Location, Role, User
from portal.notifications import timing
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert
from portal.notifications.services import (
    notification_schedule,
    notifications_cancel,
    portal_link,
    staff_alert_raise,
    visit_place,
)
from portal.permissions import Capability, require_capability
from scheduling.models import Appointment, Room, Service, ServiceKind
from scheduling.selectors import slot_search
from scheduling.services import appointment_book, appointment_reschedule, appointment_set_status
from treatments import hooks, medications, protocols, readiness, rules
from treatments.models import (
    AftercareAcknowledgement,
    AftercareCheckin,
    AftercareItem,
    Course,
    DosingSession,
    Escort,
    PlannedSession,
    ProtocolTemplate,
    ReadinessCheck,
    RemsMonitoringForm,
    TreatmentSettings,
)
from treatments.selectors import answers_of

# ---------------------------------------------------------------- courses


def _require_prescriber(user: User) -> None:
    """Starting, changing and stopping a course is a prescriber's decision."""
    require_capability(user, Capability.CLINICAL_DECIDE, "Only a prescriber may do this.")


def _require_charting(user: User) -> None:
    """Charting a dose is for nurses and prescribers."""
    require_capability(user, Capability.SESSION_CHART, "Only a nurse or prescriber may do this.")


@transaction.atomic
def course_start(
    *,
    patient: User,
    modality: Modality | str,
    start_date: dt.date,
    by: User,
    protocol: ProtocolTemplate | None = None,
    booster_interval_days: int | None = None,
    location: Location | None = None,
    confirm_concurrent: bool = False,
    concurrent_reason: str = "",
) -> Course:
    """Start a course for a patient the intake approved for `modality`, and plan it.

    While another dosing course of the patient is open, a second one starts only on the
    prescriber's explicit confirmation with a reason, stored on the new course and shown
    on both."""
    _require_prescriber(by)
    if patient.role != Role.PATIENT:
        raise ValidationError("A course is started for a patient.")
    modality = Modality(modality)
    if modality not in approved_modalities(patient=patient):
        raise ValidationError(
            f"The intake has not approved this patient for {modality.label}: "
            "a course can only be started for an approved modality."
        )
    # Lock the patient so two clinicians cannot start the same course at once.
    User.objects.select_for_update().get(pk=patient.pk)
    if Course.objects.filter(
        patient=patient,
        modality=modality,
        phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE],
    ).exists():
        raise ValidationError(f"This patient already has an open {modality.label} course.")
    running = (
        Course.objects.filter(
            patient=patient, phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE]
        )
        .order_by("start_date", "id")
        .first()
    )
    concurrent_reason = concurrent_reason.strip()[:300]
    if running is not None and not (confirm_concurrent and concurrent_reason):
        raise ValidationError(
            {
                "concurrent_reason": f"This patient already has an open "
                f"{running.get_modality_display()} course (started "
                f"{running.start_date:%-d %b %Y}). Two dosing courses at once need your "
                "explicit confirmation and the reason."
            }
        )
    if protocol is None:
        protocol = (
            ProtocolTemplate.objects.filter(modality=modality, is_active=True)
            .order_by("id")
            .first()
        )
        if protocol is None:
            raise ValidationError(f"No active protocol is set up for {modality.label}.")
    if protocol.modality != modality:
        raise ValidationError("That protocol is for another modality.")
    clinic = TreatmentSettings.load()
    interval = booster_interval_days or clinic.default_booster_interval_days
    if interval < 1:
        raise ValidationError("A booster interval is at least one day.")
    course = Course.objects.create(
        patient=patient,
        modality=modality,
        protocol=protocol,
        start_date=start_date,
        started_by=by,
        location=location,
        booster_interval_days=interval,
        concurrent_with=running,
        concurrent_reason=concurrent_reason if running is not None else "",
        concurrent_confirmed_by=by if running is not None else None,
    )
    spacing = clinic.iv_min_spacing_days if modality == Modality.IV else 0
    try:
        plan = protocols.plan_sessions(start_date, protocol.step_list(), min_spacing_days=spacing)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"The protocol {protocol} cannot be planned: {exc}") from exc
    PlannedSession.objects.bulk_create(
        [
            PlannedSession(
                course=course,
                sequence=p.sequence,
                target_date=p.target_date,
                phase=p.phase,
                kind=p.kind,
                paired_integration=p.paired_integration,
            )
            for p in plan
        ]
    )
    audit_clinical_write(actor=by, action="treatments.course.start", patient=patient, obj=course)
    return course


@transaction.atomic
def course_set_booster_interval(*, course: Course, interval_days: int, by: User) -> Course:
    """The clinician adjusts how long relief lasts between boosters."""
    _require_prescriber(by)
    if interval_days < 1:
        raise ValidationError("A booster interval is at least one day.")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.is_open:
        raise ValidationError("This course is closed.")
    course.booster_interval_days = interval_days
    course.save(update_fields=["booster_interval_days", "updated_at"])
    if course.phase == Course.Phase.MAINTENANCE and course.next_booster_due is not None:
        last = _last_dose_day(course)
        if last is not None:
            _plan_next_booster(course, last)
    audit_clinical_write(
        actor=by, action="treatments.course.booster_interval", patient=course.patient, obj=course
    )
    return course


@transaction.atomic
def course_stop(*, course: Course, by: User, reason: str) -> Course:
    _require_prescriber(by)
    if not reason.strip():
        raise ValidationError("Say why the course stops.")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.is_open:
        raise ValidationError("This course is already closed.")
    course.phase = Course.Phase.STOPPED
    course.stopped_reason = reason.strip()[:300]
    course.next_booster_due = None
    course.save(update_fields=["phase", "stopped_reason", "next_booster_due", "updated_at"])
    notifications_cancel(topic=_booster_topic(course))
    audit_clinical_write(
        actor=by, action="treatments.course.stop", patient=course.patient, obj=course
    )
    return course


def _last_dose_day(course: Course) -> dt.date | None:
    last = (
        course.sessions.filter(status=DosingSession.Status.DISCHARGED)
        .aggregate(m=Max("discharged_at"))
        .get("m")
    )
    return timezone.localdate(last) if last else None


def _booster_topic(course: Course) -> str:
    return f"course:{course.pk}:booster"


def _plan_next_booster(course: Course, last_dose: dt.date) -> None:
    """Compute the next booster, put it on the plan and write its reminders."""
    clinic = TreatmentSettings.load()
    interval = course.booster_interval_days or clinic.default_booster_interval_days
    due = protocols.booster_due(last_dose, interval)
    course.next_booster_due = due
    course.save(update_fields=["next_booster_due", "updated_at"])
    booster = course.planned.filter(
        kind=PlannedSession.Kind.BOOSTER, appointment__isnull=True, session__isnull=True
    ).first()
    if booster is None:
        top = course.planned.aggregate(m=Max("sequence"))["m"] or 0
        PlannedSession.objects.create(
            course=course,
            sequence=top + 1,
            target_date=due,
            phase=Course.Phase.MAINTENANCE,
            kind=PlannedSession.Kind.BOOSTER,
        )
    else:
        booster.target_date = due
        booster.save(update_fields=["target_date", "updated_at"])
    _write_booster_reminders(course, due)


def _write_booster_reminders(course: Course, due: dt.date) -> None:
    clinic = TreatmentSettings.load()
    topic = _booster_topic(course)
    notifications_cancel(topic=topic)
    dates = protocols.booster_reminder_dates(
        due,
        days_before=clinic.booster_reminder_days_before,
        days_after=clinic.booster_overdue_days_after,
    )
    url = portal_link(reverse("treatments:my-courses"))
    for kind, day, suffix in (
        (Kind.BOOSTER_DUE, dates.due_reminder_on, "due"),
        (Kind.BOOSTER_OVERDUE, dates.overdue_reminder_on, "overdue"),
    ):
        send_at = _local_time(day, 9)
        notification_schedule(
            recipient=course.patient,
            kind=kind,
            send_at=max(send_at, timezone.now()),
            idempotency_key=f"course:{course.pk}:booster:{due.isoformat()}:{suffix}",
            context={"url": url},
            topic=topic,
        )


def _local_time(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _after_dose(course: Course, session: DosingSession) -> None:
    """Move the course on after a discharged dose: maintenance when induction is done,
    and the next booster once nothing else is planned."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    doses = [p for p in course.planned.select_related("session") if p.is_dose]

    def done(p: PlannedSession) -> bool:
        s = getattr(p, "session", None)
        return s is not None and s.status == DosingSession.Status.DISCHARGED

    fields = []
    if course.phase == Course.Phase.INDUCTION and all(
        done(p) for p in doses if p.phase == Course.Phase.INDUCTION
    ):
        course.phase = Course.Phase.MAINTENANCE
        fields.append("phase")
    if fields:
        course.save(update_fields=[*fields, "updated_at"])
    if course.phase == Course.Phase.MAINTENANCE and all(done(p) for p in doses):
        _plan_next_booster(course, timezone.localdate(session.discharged_at))


# ---------------------------------------------------------------- scheduling a series


@dataclass(frozen=True)
class SeriesRow:
    """One planned session after a series booking: planned against booked, and why."""

    planned_id: int
    sequence: int
    target_date: dt.date
    booked_at: dt.datetime | None
    where: str
    why: str

    @property
    def drift_days(self) -> int | None:
        if self.booked_at is None:
            return None
        return (timezone.localdate(self.booked_at) - self.target_date).days


@dataclass
class SeriesOutcome:
    """What a series booking did: the sessions it placed, those it could not (with the
    reason), and a row per session it looked at, planned against booked."""

    placed: list[PlannedSession] = field(default_factory=list)
    not_placed: list[tuple[PlannedSession, str]] = field(default_factory=list)
    rows: list[SeriesRow] = field(default_factory=list)


def service_for(course: Course, planned: PlannedSession) -> Service | None:
    if planned.kind == PlannedSession.Kind.PREPARATION:
        kinds = [ServiceKind.CONSULTATION]
    elif planned.kind == PlannedSession.Kind.BOOSTER:
        kinds = [ServiceKind.BOOSTER, *_dosing_kinds(course.modality)]
    else:
        kinds = _dosing_kinds(course.modality)
    candidates = list(Service.objects.filter(kind__in=kinds, is_active=True))
    for kind in kinds:
        for service in candidates:
            wanted_modality = "" if kind == ServiceKind.CONSULTATION else course.modality
            if service.kind == kind and service.modality == wanted_modality:
                return service
    return None


def _dosing_kinds(modality: str) -> list[str]:
    return {
        Modality.IV: [ServiceKind.IV_INFUSION],
        Modality.SPRAVATO: [ServiceKind.SPRAVATO],
        Modality.KAP: [ServiceKind.KAP],
    }.get(modality, [])


@transaction.atomic
def course_schedule_series(
    *,
    course: Course,
    location: Location,
    by: User,
    clinician: User | None = None,
    today: dt.date | None = None,
) -> SeriesOutcome:
    """Book every planned session that has no visit yet, in one step, and say what it did.

    Each session is booked on its own (a savepoint each) at the first free time the slot
    finder offers from its target date: never on a day the location is closed, never
    inside another of the patient's visits, always keeping the clinic's dose spacing. A
    session that cannot be placed is reported with the reason, and the rest go ahead;
    one placed later than its target says why (each day skipped, and its reason). The
    patient gets one message listing the booked times and places.
    """
    if not course.is_open:
        raise ValidationError("This course is closed; there is nothing to schedule.")
    clinic = TreatmentSettings.load()
    today = today or timezone.localdate()
    spacing = clinic.iv_min_spacing_days if course.modality == Modality.IV else 0
    outcome = SeriesOutcome()
    planned_all = list(course.planned.select_related("appointment").order_by("sequence"))
    last_dose_day: dt.date | None = None
    booked: list[Appointment] = []
    for planned in planned_all:
        appt = planned.appointment
        if appt is not None and appt.status != Appointment.Status.CANCELLED:
            if planned.is_dose:
                last_dose_day = timezone.localdate(appt.starts_at)
            continue
        if hasattr(planned, "session"):
            continue
        service = service_for(course, planned)
        if service is None:
            reason = "No active service is set up for this visit."
            outcome.not_placed.append((planned, reason))
            outcome.rows.append(_series_row(planned, None, reason))
            continue
        earliest = max(planned.target_date, today + dt.timedelta(days=1))
        late = []
        if earliest > planned.target_date:
            late.append(f"The target day {planned.target_date:%a %-d %b} is not bookable now.")
        if planned.is_dose and last_dose_day is not None and spacing:
            after_spacing = last_dose_day + dt.timedelta(days=spacing)
            if after_spacing > earliest:
                late.append(
                    f"Doses of this course are {spacing} days apart: the one before is on "
                    f"{last_dose_day:%a %-d %b}."
                )
                earliest = after_spacing
        latest = earliest + dt.timedelta(days=clinic.series_search_days)
        appointment, reason = _book_first_free(
            course=course,
            planned=planned,
            service=service,
            location=location,
            clinician=clinician,
            start=earliest,
            end=latest,
            by=by,
        )
        if appointment is None:
            outcome.not_placed.append((planned, reason))
            outcome.rows.append(_series_row(planned, None, " ".join([*late, reason])))
            continue
        outcome.placed.append(planned)
        booked.append(appointment)
        outcome.rows.append(_series_row(planned, appointment, " ".join([*late, reason])))
        if planned.is_dose:
            last_dose_day = timezone.localdate(appointment.starts_at)
        if planned.kind == PlannedSession.Kind.BOOSTER:
            notifications_cancel(topic=_booster_topic(course))
    if booked:
        _notify_booked(course, booked)
    return outcome


def _series_row(planned: PlannedSession, appointment: Appointment | None, why: str) -> SeriesRow:
    return SeriesRow(
        planned_id=planned.pk,
        sequence=planned.sequence,
        target_date=planned.target_date,
        booked_at=appointment.starts_at if appointment is not None else None,
        where=appointment.where if appointment is not None else "",
        why=why,
    )


def _booked_link(appointments: list[Appointment]) -> str:
    for appointment in appointments:
        if appointment.service.modality:
            return reverse("treatments:my-visit", args=[appointment.pk])
    return reverse("scheduling:appointment-list")


def _place(appointment: Appointment) -> dict[str, Any]:
    return visit_place(appointment.location.name if appointment.location_id else None)


def _notify_booked(course: Course, appointments: list[Appointment]) -> None:
    """One message for the visits just booked: their times and places, nothing else."""
    appointments = sorted(appointments, key=lambda a: a.starts_at)
    first = appointments[0]
    notification_schedule(
        recipient=course.patient,
        kind=Kind.REQUEST_CONFIRMED,
        send_at=timezone.now(),
        # A moved visit is news again: its move count is part of the key.
        idempotency_key="course:{}:booked:{}".format(
            course.pk, "-".join(f"{a.pk}.{a.reschedule_count}" for a in appointments)
        ),
        context={
            "starts_at": first.starts_at.isoformat(),
            **_place(first),
            "visits": [{"starts_at": a.starts_at.isoformat(), **_place(a)} for a in appointments],
            # How to get ready is linked, never quoted: the first dosing visit's page.
            "url": portal_link(_booked_link(appointments)),
        },
        topic=f"course:{course.pk}:booked",
    )


def _skipped_days(notes: Mapping[dt.date, str], start: dt.date, before: dt.date) -> str:
    """The days from `start` up to `before` that offered nothing, grouped by reason."""
    by_reason: dict[str, list[str]] = {}
    for day, note in sorted(notes.items()):
        if start <= day < before:
            by_reason.setdefault(note, []).append(f"{day:%a %-d %b}")
    return " ".join(f"{', '.join(days)}: {note}" for note, days in by_reason.items())


def _book_first_free(
    *,
    course: Course,
    planned: PlannedSession,
    service: Service,
    location: Location,
    clinician: User | None,
    start: dt.date,
    end: dt.date,
    by: User,
) -> tuple[Appointment | None, str]:
    """Book the first free slot from `start` to `end` and link it to `planned`. Returns
    the visit and why it is later than `start` ("" when it is not), or None and why
    nothing was booked."""
    try:
        search = slot_search(
            service=service,
            location=location,
            start=start,
            end=end,
            clinician=clinician,
            patient=course.patient,
        )
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    reason = (
        f"No free {service.name} slot at {location} between {start:%a %-d %b} and "
        f"{end:%a %-d %b}. {_skipped_days(search.notes, start, end + dt.timedelta(days=1))}"
    ).strip()
    # Try a few slots: another desk may take one between finding and booking it.
    for slot in search.slots[:5]:
        try:
            with transaction.atomic():
                appointment = appointment_book(
                    patient=course.patient,
                    service=service,
                    location=location,
                    clinician=slot.clinician,
                    room=slot.room,
                    starts_at=slot.starts_at,
                    booked_by=by,
                )
                planned.appointment = appointment
                planned.save(update_fields=["appointment", "updated_at"])
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            continue
        day = timezone.localdate(appointment.starts_at)
        return appointment, _skipped_days(search.notes, start, day)
    return None, reason


@transaction.atomic
def planned_session_place(
    *,
    planned: PlannedSession,
    by: User,
    starts_at: dt.datetime,
    clinician: User,
    room: Room | None,
    location: Location | None,
) -> Appointment:
    """The desk places one planned session by hand on a slot it picked: books it through
    scheduling (or moves its visit there when it has one) and links the visit to it.
    The patient is told the time and place."""
    planned = (
        PlannedSession.objects.select_for_update(of=("self",))
        .select_related("course", "course__patient", "appointment")
        .get(pk=planned.pk)
    )
    course = planned.course
    if not course.is_open:
        raise ValidationError("This course is closed; there is nothing to schedule.")
    if DosingSession.objects.filter(planned=planned).exists():
        raise ValidationError("This session has been charted; its visit can no longer move.")
    service = service_for(course, planned)
    if service is None:
        raise ValidationError("No active service is set up for this visit.")
    current = planned.appointment
    if current is not None and current.status == Appointment.Status.SCHEDULED:
        appointment = appointment_reschedule(
            appointment=current, starts_at=starts_at, by=by, clinician=clinician, room=room
        )
    elif current is not None and current.status != Appointment.Status.CANCELLED:
        raise ValidationError(
            f"This session's visit is {current.get_status_display().lower()}; it cannot move."
        )
    else:
        appointment = appointment_book(
            patient=course.patient,
            service=service,
            location=location,
            clinician=clinician,
            room=room,
            starts_at=starts_at,
            booked_by=by,
        )
        planned.appointment = appointment
        planned.save(update_fields=["appointment", "updated_at"])
    _notify_booked(course, [appointment])
    if planned.kind == PlannedSession.Kind.BOOSTER:
        notifications_cancel(topic=_booster_topic(course))
    return appointment


# ---------------------------------------------------------------- charting


class ChartSection(StrEnum):
    PRE_DOSE = "pre_dose"
    DOSE = "dose"
    BP40 = "bp40"
    MONITORING = "monitoring"
    READY = "ready"
    DISCHARGE = "discharge"


SECTION_FIELDS: dict[ChartSection, tuple[str, ...]] = {
    ChartSection.PRE_DOSE: (
        "pre_systolic",
        "pre_diastolic",
        "pre_heart_rate",
        "pre_spo2",
        "fasted",
        "no_alcohol_or_substances",
        "nasal_spray_timing_ok",
        "high_bp_reason",
    ),
    ChartSection.DOSE: (
        "weight_kg",
        "dose_mg_per_kg",
        "total_mg",
        "spravato_dose_mg",
        "device_count",
        "lot_number",
        "kap_route",
    ),
    ChartSection.BP40: ("bp40_systolic", "bp40_diastolic", "bp40_late_reason"),
    ChartSection.MONITORING: (
        "sedation",
        "dissociation",
        "respiratory_depression",
        "adverse_events",
        "serious_adverse_event",
        "benzodiazepine",
        "opioid",
        "non_benzo_hypnotic",
        "psychostimulant",
        "maoi",
    ),
    ChartSection.DISCHARGE: (
        "dis_systolic",
        "dis_diastolic",
        "dis_heart_rate",
        "dis_spo2",
        "escort_name",
        "escort_phone",
        "escort_confirmed",
        "aftercare_reviewed",
    ),
    ChartSection.READY: (),
}

MG_PER_DEVICE = 28


def _medication_findings(patient: User) -> list[medications.Finding]:
    """What the intake's medications step names, by class: its free-text list, and its
    yes/no answers where the list names no drug of that class."""
    reported = medications_reported(patient=patient)
    if reported is None:
        return []
    findings = medications.classify(reported.medication_list)
    found = {f.drug_class for f in findings}
    for answered_yes, drug_class in (
        (reported.benzodiazepine, medications.DrugClass.BENZODIAZEPINE),
        (reported.stimulant, medications.DrugClass.PSYCHOSTIMULANT),
        (reported.maoi, medications.DrugClass.MAOI),
    ):
        if answered_yes and drug_class not in found:
            findings.append(medications.Finding(drug_class, ("answered yes on the intake",)))
    order = list(medications.DrugClass)
    return sorted(findings, key=lambda f: order.index(f.drug_class))


def _planned_dose_for_visit(appointment: Appointment) -> PlannedSession:
    """The planned dose this visit is for: the one booked for it, or else the next
    unbooked dose of the patient's open course of the visit's modality (a visit booked
    from the request queue)."""
    dose_kinds = [PlannedSession.Kind.DOSING, PlannedSession.Kind.BOOSTER]
    planned = (
        PlannedSession.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(appointment=appointment, kind__in=dose_kinds)
        .order_by("sequence")
        .first()
    )
    if planned is not None:
        return planned
    planned = (
        PlannedSession.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(
            course__patient_id=appointment.patient_id,
            course__modality=appointment.service.modality,
            course__phase__in=[Course.Phase.INDUCTION, Course.Phase.MAINTENANCE],
            kind__in=dose_kinds,
            session__isnull=True,
        )
        .filter(
            Q(appointment__isnull=True)
            | Q(appointment__status__in=[Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
        )
        .order_by("sequence")
        .first()
    )
    if planned is None:
        raise ValidationError(
            "This visit is not on an open course's plan: start or schedule the course first."
        )
    planned.appointment = appointment
    planned.save(update_fields=["appointment", "updated_at"])
    return planned


@transaction.atomic
def session_start(*, appointment: Appointment, by: User) -> DosingSession:
    """Open the chart of a dose from its visit: a dosing visit, today in clinic time, with
    the patient checked in. The dosing gate (intake approval, and for Spravato the REMS
    enrollment) must be clear. The intake's sedating medicines are carried onto the chart
    (the REMS form's concomitant medicines), for the nurse to confirm."""
    _require_charting(by)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=appointment.pk)
    )
    refusal = rules.chart_refusal(
        service_modality=appointment.service.modality,
        appointment_status=appointment.status,
        visit_day=timezone.localdate(appointment.starts_at),
        today=timezone.localdate(),
    )
    if refusal:
        raise ValidationError(refusal)
    if DosingSession.objects.filter(appointment=appointment).exists():
        raise ValidationError("This visit's dose is already charted.")
    planned = _planned_dose_for_visit(appointment)
    course = planned.course
    if not course.is_open:
        raise ValidationError("This course is closed.")
    if course.modality != appointment.service.modality:
        raise ValidationError("This visit is for another treatment than its course.")
    if DosingSession.objects.filter(planned=planned).exists():
        raise ValidationError("This session is already being charted.")
    gaps = dosing_gate_gaps(patient=course.patient, modality=Modality(course.modality))
    if gaps:
        raise ValidationError(gaps)
    findings = _medication_findings(course.patient)
    classes = {f.drug_class for f in findings}
    D = medications.DrugClass  # noqa: N806 - a short alias for the five flags below
    # The evening check and the named escort pre-fill the chart, for the nurse to confirm.
    check = ReadinessCheck.objects.filter(appointment=appointment).first()
    if check is not None:
        if check.new_benzodiazepine:
            classes.add(D.BENZODIAZEPINE)
        if check.new_opioid:
            classes.add(D.OPIOID)
        if check.new_stimulant:
            classes.add(D.PSYCHOSTIMULANT)
    escort = escort_for_visit(appointment=appointment)
    session = DosingSession.objects.create(
        fasted=check.fasting_understood if check is not None else None,
        nasal_spray_timing_ok=(
            check.nasal_spray_timing_understood
            if check is not None and course.modality == Modality.SPRAVATO
            else None
        ),
        escort_name=escort.name if escort is not None else "",
        escort_phone=escort.phone if escort is not None else "",
        patient=course.patient,
        course=course,
        planned=planned,
        modality=course.modality,
        appointment=appointment,
        charted_by=by,
        checked_in_at=appointment.status_changed_at or timezone.now(),
        intake_medications=medications.describe(findings),
        benzodiazepine=D.BENZODIAZEPINE in classes,
        opioid=D.OPIOID in classes,
        non_benzo_hypnotic=D.NON_BENZO_HYPNOTIC in classes,
        psychostimulant=D.PSYCHOSTIMULANT in classes,
        maoi=D.MAOI in classes,
    )
    audit_clinical_write(
        actor=by, action="treatments.session.start", patient=session.patient, obj=session
    )
    return session


def visit_check_in(*, appointment: Appointment, by: User) -> Appointment:
    """A nurse or prescriber checks the patient in for a dosing visit (the desk does it
    from the day view), through scheduling's status service and its rules."""
    _require_charting(by)
    appointment = Appointment.objects.select_related("service").get(pk=appointment.pk)
    if not appointment.service.modality:
        raise ValidationError("Only a dosing visit is checked in from the dosing board.")
    return appointment_set_status(
        appointment=appointment, status=Appointment.Status.CHECKED_IN, by=by
    )


def session_close_for_visit(*, appointment: Appointment) -> list[DosingSession]:
    """The visit was marked no-show or cancelled: its chart in progress closes as "not
    given", and its planned dose is freed to be booked again. Refused (the status change
    with it) once the dose was given: that chart ends at discharge."""
    sessions = list(
        DosingSession.objects.select_for_update().filter(
            appointment_id=appointment.pk, status=DosingSession.Status.IN_PROGRESS
        )
    )
    for session in sessions:
        if session.dose_given_at is not None:
            given = timezone.localtime(session.dose_given_at)
            raise ValidationError(
                f"The dose was given at {given:%H:%M}: the patient is discharged from the "
                "chart, not marked absent."
            )
        planned_id = session.planned_id
        session.status = DosingSession.Status.ABANDONED
        session.planned = None
        session.save(update_fields=["status", "planned", "updated_at"])
        if planned_id is not None:
            PlannedSession.objects.filter(pk=planned_id, appointment_id=appointment.pk).update(
                appointment=None, updated_at=timezone.now()
            )
    return sessions


def on_appointment_status_changed(appointment: Appointment) -> None:
    """Registered with scheduling's hooks in TreatmentsConfig.ready()."""
    if appointment.status in (Appointment.Status.NO_SHOW, Appointment.Status.CANCELLED):
        session_close_for_visit(appointment=appointment)


def pre_dose_check(values: Mapping[str, Any]) -> rules.BloodPressureCheck:
    clinic = TreatmentSettings.load()
    return rules.pre_dose_bp_check(
        systolic=values["pre_systolic"],
        diastolic=values["pre_diastolic"],
        max_systolic=clinic.pre_dose_max_systolic,
        max_diastolic=clinic.pre_dose_max_diastolic,
    )


def _validate_pre_dose(session: DosingSession, values: dict[str, Any]) -> None:
    for name in ("pre_systolic", "pre_diastolic", "pre_heart_rate", "pre_spo2"):
        if values.get(name) is None:
            raise ValidationError({name: "Record this vital before the dose."})
    check = pre_dose_check(values)
    if rules.pre_dose_reason_missing(check, values.get("high_bp_reason") or ""):
        raise ValidationError({"high_bp_reason": check.message})
    values["high_bp_reason"] = (values.get("high_bp_reason") or "").strip()


_UNREAD = object()


def readiness_gate(session: DosingSession, *, check: Any = _UNREAD) -> list[str]:
    """What the evening check says stops this dose, until a clinician records why they
    proceed ([] when nothing does, or when a reason is on the chart). `check`: the
    visit's ReadinessCheck (or None) when the caller has read it already."""
    if session.readiness_override_reason or session.appointment_id is None:
        return []
    if check is _UNREAD:
        check = ReadinessCheck.objects.filter(appointment_id=session.appointment_id).first()
    return list(readiness.readiness(answers_of(check), modality=session.modality).gate)


def _validate_dose(session: DosingSession, values: dict[str, Any]) -> None:
    gate = readiness_gate(session)
    if gate:
        raise ValidationError(
            [
                *gate,
                "Reschedule the visit, or a clinician records why the dose goes ahead.",
            ]
        )
    if not session.pre_dose_recorded:
        raise ValidationError("Record the pre-dose vitals before the dose.")
    if session.modality == Modality.IV:
        weight, per_kg = values.get("weight_kg"), values.get("dose_mg_per_kg")
        if weight is None:
            raise ValidationError({"weight_kg": "IV doses are weight-based: record the weight."})
        if per_kg is None:
            raise ValidationError({"dose_mg_per_kg": "Record the dose in mg/kg."})
        computed = (decimal.Decimal(weight) * decimal.Decimal(per_kg)).quantize(
            decimal.Decimal("0.1")
        )
        given = values.get("total_mg")
        if given is None:
            values["total_mg"] = computed
        elif abs(decimal.Decimal(given) - computed) > decimal.Decimal("0.5"):
            raise ValidationError(
                {"total_mg": f"{weight} kg at {per_kg} mg/kg is {computed} mg, not {given} mg."}
            )
    elif session.modality == Modality.SPRAVATO:
        dose = values.get("spravato_dose_mg")
        if dose not in (56, 84):
            raise ValidationError({"spravato_dose_mg": "Spravato is given as 56 or 84 mg."})
        first = not session.course.sessions.filter(status=DosingSession.Status.DISCHARGED).exists()
        if first and dose != 56:
            raise ValidationError({"spravato_dose_mg": "Day 1 of a Spravato course is 56 mg."})
        devices = values.get("device_count")
        if devices != dose // MG_PER_DEVICE:
            raise ValidationError(
                {"device_count": f"{dose} mg is {dose // MG_PER_DEVICE} devices of 28 mg."}
            )
        if not (values.get("lot_number") or "").strip():
            raise ValidationError({"lot_number": "The REMS form needs the lot number."})
    else:
        if values.get("total_mg") is None:
            raise ValidationError({"total_mg": "Record the KAP dose in mg."})
        if not values.get("kap_route"):
            raise ValidationError({"kap_route": "Record the route."})


def _validate_bp40(session: DosingSession, values: dict[str, Any]) -> None:
    """The REMS reading at about 40 minutes, stamped now: refused before the clinic's
    window, taken after it only with a reason."""
    if session.modality != Modality.SPRAVATO:
        raise ValidationError("The 40-minute reading is part of the Spravato chart.")
    if session.first_device_at is None:
        raise ValidationError("Record the first device first: the reading counts from it.")
    if session.bp40_recorded_at is not None:
        at = timezone.localtime(session.bp40_recorded_at)
        raise ValidationError(f"The 40-minute reading was recorded at {at:%H:%M}.")
    for name in ("bp40_systolic", "bp40_diastolic"):
        if values.get(name) is None:
            raise ValidationError({name: "Record both numbers of the reading."})
    clinic = TreatmentSettings.load()
    check = rules.bp40_check(
        first_device_at=session.first_device_at,
        now=timezone.now(),
        window_start=clinic.spravato_bp40_window_start_minutes,
        window_end=clinic.spravato_bp40_window_end_minutes,
    )
    reason = (values.get("bp40_late_reason") or "").strip()
    if check.too_early:
        raise ValidationError(check.message)
    if check.late and not reason:
        raise ValidationError({"bp40_late_reason": check.message})
    values["bp40_late_reason"] = reason[:300] if check.late else ""


def _validate_ready(session: DosingSession, values: dict[str, Any]) -> None:
    if session.dose_given_at is None:
        raise ValidationError("Record the dose first.")


def _validate_discharge(session: DosingSession, values: dict[str, Any]) -> None:
    values["escort_name"] = (values.get("escort_name") or "").strip()
    values["escort_phone"] = (values.get("escort_phone") or "").strip()
    if values.get("escort_confirmed") and not (values["escort_name"] and values["escort_phone"]):
        raise ValidationError(
            {"escort_confirmed": "Give the responsible adult's name and phone to confirm them."}
        )


@transaction.atomic
def session_record(
    *, session: DosingSession, by: User, section: ChartSection | str, values: Mapping[str, Any]
) -> DosingSession:
    """Save one section of the chart. Discharged charts are closed."""
    _require_charting(by)
    section = ChartSection(section)
    session = DosingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.status != DosingSession.Status.IN_PROGRESS:
        raise ValidationError("This session is closed; its chart can no longer change.")
    allowed = SECTION_FIELDS[section]
    clean = {k: v for k, v in values.items() if k in allowed}
    {
        ChartSection.PRE_DOSE: _validate_pre_dose,
        ChartSection.DOSE: _validate_dose,
        ChartSection.BP40: _validate_bp40,
        ChartSection.MONITORING: lambda s, v: None,
        ChartSection.READY: _validate_ready,
        ChartSection.DISCHARGE: _validate_discharge,
    }[section](session, clean)
    for name, value in clean.items():
        setattr(session, name, value)
    now = timezone.now()
    if section == ChartSection.PRE_DOSE:
        session.pre_dose_recorded_at = now
    if section == ChartSection.DOSE and session.dose_given_at is None:
        # "Dose given now" / "First device now": the server's clock, never a typed time.
        session.dose_given_at = session.dose_stamped_at = now
        if session.modality == Modality.SPRAVATO:
            session.first_device_at = now
    if section == ChartSection.BP40:
        session.bp40_recorded_at = now
    if section == ChartSection.READY and session.ready_to_leave_at is None:
        session.ready_to_leave_at = now
    session.save()
    audit_clinical_write(
        actor=by,
        action=f"treatments.session.chart.{section.value}",
        patient=session.patient,
        obj=session,
    )
    return session


@transaction.atomic
def session_correct_dose_time(
    *,
    session: DosingSession,
    by: User,
    corrected_at: dt.datetime,
    reason: str,
    request: HttpRequest | None = None,
) -> DosingSession:
    """Move the stamped dose time (and for Spravato the first device) back, with a reason:
    never later than the stamp, never before check-in or the chart's opening, never in
    the future. Every correction leaves an audit record."""
    _require_charting(by)
    session = DosingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != DosingSession.Status.IN_PROGRESS:
        raise ValidationError("This session is closed; its chart can no longer change.")
    if timezone.is_naive(corrected_at):
        corrected_at = timezone.make_aware(corrected_at)
    not_before = max(session.created_at, session.checked_in_at or session.created_at)
    refusal = rules.dose_time_correction_refusal(
        stamped_at=session.dose_given_at,
        corrected_at=corrected_at,
        not_before=not_before,
        now=timezone.now(),
        reason=reason,
    )
    if refusal:
        raise ValidationError({"corrected_at": refusal})
    session.dose_given_at = corrected_at
    if session.modality == Modality.SPRAVATO:
        session.first_device_at = corrected_at
    session.dose_time_correction_reason = reason.strip()[:300]
    session.save(
        update_fields=[
            "dose_given_at",
            "first_device_at",
            "dose_time_correction_reason",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="treatments.session.dose_time_corrected",
        patient=session.patient,
        obj=session,
        request=request,
    )
    return session


def session_discharge_gaps(session: DosingSession, *, now: dt.datetime | None = None) -> list[str]:
    clinic = TreatmentSettings.load()
    gaps = []
    if not session.pre_dose_recorded:
        gaps.append("Pre-dose vitals are not recorded.")
    if not session.dose_recorded:
        gaps.append("The dose is not recorded.")
    return gaps + rules.discharge_gaps(
        rules.DischargeFacts(
            modality=session.modality,
            pre_discharge_vitals_recorded=session.discharge_vitals_recorded,
            escort_name=session.escort_name,
            escort_phone=session.escort_phone,
            escort_confirmed=session.escort_confirmed,
            aftercare_reviewed=session.aftercare_reviewed,
            first_device_at=session.first_device_at,
            now=now or timezone.now(),
            spravato_observation_minutes=clinic.spravato_observation_minutes,
            bp40_recorded=session.bp40_recorded_at is not None,
        )
    )


def observation_ends_at(session: DosingSession) -> dt.datetime | None:
    """When the Spravato observation time is over, by the server's stamp (None else)."""
    if session.modality != Modality.SPRAVATO or session.first_device_at is None:
        return None
    minutes = TreatmentSettings.load().spravato_observation_minutes
    return session.first_device_at + dt.timedelta(minutes=minutes)


@transaction.atomic
def session_discharge(*, session: DosingSession, by: User) -> DosingSession:
    """Send the patient home, if the gate is clear; else say what is missing.

    Writes the REMS form (Spravato), the next-day check-in message, moves the course on,
    and calls the registered discharge hooks (integration) in this transaction.
    """
    _require_charting(by)
    session = (
        DosingSession.objects.select_for_update(of=("self",))
        .select_related("course", "patient", "appointment")
        .get(pk=session.pk)
    )
    if session.status != DosingSession.Status.IN_PROGRESS:
        raise ValidationError("This session is already closed.")
    now = timezone.now()
    gaps = session_discharge_gaps(session, now=now)
    if gaps:
        raise ValidationError(gaps)
    clinic = TreatmentSettings.load()
    session.status = DosingSession.Status.DISCHARGED
    session.discharged_at = now
    session.discharged_by = by
    if session.ready_to_leave_at is None:
        session.ready_to_leave_at = now
    session.save(
        update_fields=[
            "status",
            "discharged_at",
            "discharged_by",
            "ready_to_leave_at",
            "updated_at",
        ]
    )

    if session.modality == Modality.SPRAVATO:
        window = rules.rems_form_window(
            session_ended_at=now,
            now=now,
            days=clinic.rems_form_days,
            zone=django_settings.TIME_ZONE,
        )
        RemsMonitoringForm.objects.create(
            session=session, patient=session.patient, due_on=window.due_on
        )

    notification_schedule(
        recipient=session.patient,
        kind=Kind.AFTERCARE_CHECKIN,
        send_at=checkin_opens_at(session),
        idempotency_key=f"session:{session.pk}:aftercare-checkin",
        context={"url": portal_link(reverse("treatments:checkin", args=[session.pk]))},
        topic=f"session:{session.pk}:checkin",
    )

    appointment = session.appointment
    if appointment is not None and appointment.status in (
        Appointment.Status.SCHEDULED,
        Appointment.Status.CHECKED_IN,
    ):
        try:
            with transaction.atomic():
                appointment_set_status(
                    appointment=appointment, status=Appointment.Status.COMPLETED, by=by
                )
        except ValidationError:
            # The visit's status is the front desk's to settle; the discharge stands.
            pass

    _after_dose(session.course, session)
    hooks.notify_session_discharged(session)
    audit_clinical_write(
        actor=by, action="treatments.session.discharge", patient=session.patient, obj=session
    )
    return session


# ---------------------------------------------------------------- before the dose


def escort_for_visit(*, appointment: Appointment) -> Escort | None:
    """The adult named for this visit, or else the patient's default."""
    escorts = {
        e.appointment_id: e
        for e in Escort.objects.filter(patient_id=appointment.patient_id).filter(
            Q(appointment=appointment) | Q(appointment__isnull=True)
        )
    }
    return escorts.get(appointment.pk) or escorts.get(None)


def _own_dosing_visit(appointment: Appointment, patient: User) -> Appointment:
    if appointment.patient_id != patient.pk:
        raise ValidationError("This is not your visit.")
    if not appointment.service.modality:
        raise ValidationError("Only a dosing visit needs this.")
    if (
        appointment.status != Appointment.Status.SCHEDULED
        or appointment.starts_at <= timezone.now()
    ):
        raise ValidationError("This visit is no longer ahead of you.")
    return appointment


@transaction.atomic
def escort_save(
    *,
    patient: User,
    name: str,
    phone: str,
    relationship: str,
    consent_to_text: bool,
    appointment: Appointment | None = None,
) -> Escort:
    """Name the adult who takes the patient home: the default for every visit, or for
    one visit. Texting them about pickup needs the patient's consent, recorded here."""
    from portal.notifications.channels import e164

    if appointment is not None:
        _own_dosing_visit(appointment, patient)
    name, relationship = name.strip(), relationship.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = gettext("Give the adult's name.")
    if not e164(phone):
        errors["phone"] = gettext("Give a mobile number we can text, like (916) 555-0142.")
    if not relationship:
        errors["relationship"] = gettext("Say who they are to you (partner, friend, parent ...).")
    if errors:
        raise ValidationError(errors)
    escort = (
        Escort.objects.select_for_update().filter(patient=patient, appointment=appointment).first()
    ) or Escort(patient=patient, appointment=appointment)
    consent_changed = consent_to_text != escort.consent_to_text or phone != escort.phone
    escort.name = name
    escort.phone = phone.strip()
    escort.relationship = relationship
    escort.consent_to_text = consent_to_text
    if consent_to_text and (escort.consented_at is None or consent_changed):
        escort.consented_at = timezone.now()
    if not consent_to_text:
        escort.consented_at = None
    try:
        with transaction.atomic():
            escort.save()
    except IntegrityError:
        # Two saves of a new escort at once (a double click): the first one stands.
        raise ValidationError(
            gettext("Your escort was just saved; please check and try again.")
        ) from None
    return escort


@transaction.atomic
def readiness_check_submit(
    *,
    appointment: Appointment,
    patient: User,
    ride_confirmed: bool,
    fasting_understood: bool,
    new_benzodiazepine: bool,
    new_opioid: bool,
    new_stimulant: bool,
    feeling_unwell: bool,
    nasal_spray_timing_understood: bool | None = None,
) -> ReadinessCheck:
    """The evening check, answered (or changed) by the patient before the visit."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=appointment.pk)
    )
    _own_dosing_visit(appointment, patient)
    if appointment.service.modality == Modality.SPRAVATO and nasal_spray_timing_understood is None:
        raise ValidationError(
            {"nasal_spray_timing_understood": gettext("Tell us about the nasal-spray timing.")}
        )
    if appointment.service.modality != Modality.SPRAVATO:
        nasal_spray_timing_understood = None
    check, _ = ReadinessCheck.objects.update_or_create(
        appointment=appointment,
        defaults={
            "patient": patient,
            "ride_confirmed": ride_confirmed,
            "fasting_understood": fasting_understood,
            "new_benzodiazepine": new_benzodiazepine,
            "new_opioid": new_opioid,
            "new_stimulant": new_stimulant,
            "feeling_unwell": feeling_unwell,
            "nasal_spray_timing_understood": nasal_spray_timing_understood,
        },
    )
    notifications_cancel(topic=f"appointment:{appointment.pk}", kinds=[Kind.READINESS_CHECK])
    return check


def readiness_check_send_at(appointment: Appointment) -> dt.datetime:
    clinic = TreatmentSettings.load()
    return timing.evening_before_at(
        appointment.starts_at, clinic.readiness_check_time, timezone.get_default_timezone()
    )


@transaction.atomic
def readiness_checks_schedule(*, now: dt.datetime | None = None, days: int = 2) -> int:
    """Write the evening check's message for every dosing visit in the next `days`
    days that has none yet (idempotent: run by beat; a moved visit gets a new one).
    The message goes in the patient's channel; a text waits for their quiet hours to end."""
    now = now or timezone.now()
    visits = (
        Appointment.objects.filter(
            status=Appointment.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=days),
        )
        .exclude(service__modality="")
        .filter(readiness_check__isnull=True)
        .select_related("patient")
    )
    written = 0
    for appointment in visits:
        key = f"appointment:{appointment.pk}:readiness:{appointment.reschedule_count}"
        if Notification.objects.filter(idempotency_key=key).exists():
            continue
        # A moved visit: the check written for its old time must not go.
        notifications_cancel(topic=f"appointment:{appointment.pk}", kinds=[Kind.READINESS_CHECK])
        notification_schedule(
            recipient=appointment.patient,
            kind=Kind.READINESS_CHECK,
            send_at=max(readiness_check_send_at(appointment), now),
            idempotency_key=key,
            context={
                "starts_at": appointment.starts_at.isoformat(),
                "url": portal_link(reverse("treatments:readiness", args=[appointment.pk])),
            },
            topic=f"appointment:{appointment.pk}",
        )
        written += 1
    return written


@transaction.atomic
def session_readiness_override(
    *, session: DosingSession, by: User, reason: str, request: HttpRequest | None = None
) -> DosingSession:
    """A clinician proceeds despite the evening check (no ride, not fasting, a new
    sedating medicine), with a reason. Audited."""
    require_capability(by, Capability.CLINICAL_DECIDE, "Only a clinician may decide this.")
    session = DosingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != DosingSession.Status.IN_PROGRESS:
        raise ValidationError("This session is closed; its chart can no longer change.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the dose goes ahead."})
    session.readiness_override_reason = reason[:300]
    session.readiness_override_by = by
    session.readiness_override_at = timezone.now()
    session.save(
        update_fields=[
            "readiness_override_reason",
            "readiness_override_by",
            "readiness_override_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="treatments.session.readiness_overridden",
        patient=session.patient,
        obj=session,
        request=request,
    )
    return session


def _first_name(patient: User) -> str:
    profile = getattr(patient, "patient_profile", None)
    for name in (
        getattr(profile, "preferred_name", ""),
        getattr(profile, "legal_name", ""),
        patient.full_name,
    ):
        if name and name.split():
            return name.split()[0][:40]
    return ""


@transaction.atomic
def escort_tell(*, session: DosingSession, by: User) -> Any:
    """Text the escort that the patient is ready: time and place only. Only when the
    discharge gate is clear, and only to the escort the patient consented to texts for
    (the chart's number must be theirs). One text per session."""
    from portal.notifications.channels import e164

    _require_charting(by)
    session = (
        DosingSession.objects.select_for_update(of=("self",))
        .select_related("patient__patient_profile", "appointment__location")
        .get(pk=session.pk)
    )
    if session.status == DosingSession.Status.ABANDONED:
        raise ValidationError("This session was closed without a dose.")
    if session.status == DosingSession.Status.IN_PROGRESS:
        gaps = session_discharge_gaps(session)
        if gaps:
            raise ValidationError(["The discharge gate is not clear yet.", *gaps])
    appointment = session.appointment
    if appointment is None:
        raise ValidationError("This session has no visit to collect the patient from.")
    escort = escort_for_visit(appointment=appointment)
    if escort is None or not escort.consent_to_text:
        raise ValidationError(
            "The patient has not agreed to texts to their escort: call them instead."
        )
    if e164(escort.phone) != e164(session.escort_phone):
        raise ValidationError(
            "The chart's escort number is not the one the patient agreed we may text."
        )
    ready_at = readiness.pickup_time(session.ready_to_leave_at or timezone.now())
    location = appointment.location
    first_name = _first_name(session.patient)
    return notification_schedule(
        recipient=session.patient,
        kind=Kind.ESCORT_PICKUP,
        send_at=timezone.now(),
        idempotency_key=f"session:{session.pk}:escort-pickup",
        context={
            **({"first_name": first_name} if first_name else {}),
            "starts_at": max(ready_at, timezone.now()).isoformat(),
            "location": location.address if location is not None else "",
            "url": portal_link("/"),
        },
        to_phone=escort.phone,
        topic=f"session:{session.pk}:escort",
    )


# ---------------------------------------------------------------- REMS


@transaction.atomic
def rems_form_submit(
    *, form: RemsMonitoringForm, by: User, confirmation_reference: str = ""
) -> RemsMonitoringForm:
    _require_charting(by)
    form = RemsMonitoringForm.objects.select_for_update().get(pk=form.pk)
    if form.submitted_at is not None:
        raise ValidationError("This form was already submitted.")
    form.submitted_at = timezone.now()
    form.submitted_by = by
    form.confirmation_reference = confirmation_reference.strip()[:60]
    form.save(
        update_fields=["submitted_at", "submitted_by", "confirmation_reference", "updated_at"]
    )
    audit_clinical_write(
        actor=by, action="treatments.rems_form.submit", patient=form.patient, obj=form
    )
    return form


# ---------------------------------------------------------------- aftercare


def aftercare_items_for(modality: str) -> list[AftercareItem]:
    return list(AftercareItem.objects.filter(modality=modality, is_active=True))


@transaction.atomic
def aftercare_acknowledge(*, session: DosingSession, patient: User, item_ids: Iterable[int]) -> int:
    """The patient confirms they read these aftercare items. Returns how many are new."""
    if session.patient_id != patient.pk:
        raise ValidationError(gettext("This is not your session."))
    if session.status != DosingSession.Status.DISCHARGED:
        raise ValidationError(gettext("Aftercare is acknowledged after the session."))
    wanted = {int(i) for i in item_ids}
    items = [i for i in aftercare_items_for(session.modality) if i.pk in wanted]
    if not items:
        raise ValidationError(gettext("Tick the items you have read."))
    before = AftercareAcknowledgement.objects.filter(session=session).count()
    AftercareAcknowledgement.objects.bulk_create(
        [AftercareAcknowledgement(session=session, patient=patient, item=i) for i in items],
        ignore_conflicts=True,
    )
    return AftercareAcknowledgement.objects.filter(session=session).count() - before


def checkin_opens_at(session: DosingSession) -> dt.datetime | None:
    """The next-morning check-in opens at the clinic's hour on the day after discharge
    (local clock, so daylight-saving days are right); None before discharge."""
    if session.discharged_at is None:
        return None
    hour = TreatmentSettings.load().aftercare_checkin_hour
    return timing.aftercare_checkin_send_at(
        session.discharged_at, dt.time(hour, 0), timezone.get_default_timezone()
    )


@dataclass(frozen=True)
class CheckinResult:
    checkin: AftercareCheckin
    self_harm: bool


@transaction.atomic
def aftercare_checkin_submit(
    *,
    session: DosingSession,
    patient: User,
    nausea: str,
    dizziness: str,
    bp_concern: bool,
    self_harm_thoughts: bool,
    sleep: str = "",
    lingering_effects: bool | None = None,
) -> CheckinResult:
    """The next-morning check-in: it opens at the clinic's hour the morning after (not
    the same evening), and asks about sleep and lingering effects too. A concerning
    answer alerts the clinicians; thoughts of self-harm take intake's safety path
    (urgent, crisis resources shown at once)."""
    if session.patient_id != patient.pk:
        raise ValidationError(gettext("This is not your session."))
    if session.status != DosingSession.Status.DISCHARGED:
        raise ValidationError(gettext("The check-in opens after the session."))
    opens_at = checkin_opens_at(session)
    if opens_at is not None and timezone.now() < opens_at:
        raise ValidationError(
            gettext("The check-in opens %(when)s, after a night's sleep.")
            % {"when": format_when(opens_at)}
        )
    if AftercareCheckin.objects.filter(session=session).exists():
        raise ValidationError(gettext("You already sent this check-in. Thank you."))
    outcome = rules.aftercare_checkin_outcome(
        nausea=nausea,
        dizziness=dizziness,
        bp_concern=bp_concern,
        self_harm_thoughts=self_harm_thoughts,
    )
    checkin = AftercareCheckin.objects.create(
        session=session,
        patient=patient,
        nausea=nausea,
        dizziness=dizziness,
        bp_concern=bp_concern,
        self_harm_thoughts=self_harm_thoughts,
        sleep=sleep,
        lingering_effects=lingering_effects,
        concerning=outcome.concerning,
    )
    chart_url = reverse("treatments:session-chart", args=[session.pk])
    if outcome.self_harm:
        # One answer, one alert: the safety path's, which also tells the other concerns.
        safety_path_trigger(
            patient=patient,
            source=f"treatments:aftercare:{session.pk}",
            url=chart_url,
            where="next-day check-in",
            also=list(outcome.other_reasons),
        )
    elif outcome.concerning:
        staff_alert_raise(
            kind=StaffAlert.Kind.AFTERCARE_CONCERN,
            patient=patient,
            title="Next-day check-in: " + ", ".join(outcome.reasons),
            url=chart_url,
            dedupe_key=f"session:{session.pk}:checkin",
        )
    notifications_cancel(topic=f"session:{session.pk}:checkin")
    return CheckinResult(checkin=checkin, self_harm=outcome.self_harm)
