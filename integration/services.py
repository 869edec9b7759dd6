"""Writes of integration: mood and symptom check-ins, the journal, integration booking.

Every function here is one use case, atomic, and the only place integration writes
notification rows or staff alerts (in the same transaction as the change that causes them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from intake.instruments import InstrumentScore, gad7_score, phq9_score
from intake.services import safety_path_trigger
from integration import selectors
from integration.models import (
    Instrument,
    IntegrationSettings,
    JournalEntry,
    MoodCheckin,
    SymptomCheckin,
)
from integration.relapse import RelapseSignal, relapse_signal
from integration.window import CLINIC_ZONE, booking_refusal, local_label
from portal.models import ClinicianKind, User
from portal.notifications.kinds import Kind
from portal.notifications.models import StaffAlert
from portal.notifications.services import (
    notification_schedule,
    notifications_cancel,
    portal_link,
    staff_alert_raise,
)
from portal.permissions import ensure_patient
from scheduling.models import Appointment, Room, Service, ServiceKind
from scheduling.services import appointment_book
from treatments.models import DosingSession

CHECKIN_REMINDER_HOUR = 9  # local time: a morning nudge, never at night


# --- Mood ----------------------------------------------------------------------------


@transaction.atomic
def mood_checkin_save(*, patient: User, score: int, note: str = "") -> MoodCheckin:
    """Today's mood (clinic-local day). A second save the same day changes it."""
    ensure_patient(patient)
    if not 0 <= score <= 10:
        raise ValidationError(gettext("Choose a mood from 0 to 10."))
    today = timezone.localdate()
    checkin, _ = MoodCheckin.objects.update_or_create(
        patient=patient, day=today, defaults={"score": score, "note": note.strip()}
    )
    return checkin


# --- Weekly PHQ-9 / GAD-7 ------------------------------------------------------------

_SCORERS = {Instrument.PHQ9: phq9_score, Instrument.GAD7: gad7_score}


def reminder_topic(patient: User) -> str:
    return f"symptom-checkin:{patient.pk}"


def _next_reminder_at(day: dt.date, days: int) -> dt.datetime:
    return dt.datetime.combine(
        day + dt.timedelta(days=days), dt.time(CHECKIN_REMINDER_HOUR), tzinfo=CLINIC_ZONE
    )


@transaction.atomic
def symptom_checkin_submit(
    *, patient: User, instrument: Instrument | str, answers: Sequence[int]
) -> SymptomCheckin:
    """Score and keep a weekly check-in; follow the safety path and the relapse rule."""
    ensure_patient(patient)
    instrument = Instrument(instrument)
    try:
        score: InstrumentScore = _SCORERS[instrument](answers)
    except ValueError as exc:
        raise ValidationError(gettext("Please answer every question.")) from exc
    today = timezone.localdate()
    if SymptomCheckin.objects.filter(patient=patient, instrument=instrument, day=today).exists():
        raise ValidationError(
            gettext(
                "You have already completed today's %(instrument)s. "
                "You can take it again another day."
            )
            % {"instrument": instrument.label}
        )
    try:
        with transaction.atomic():
            checkin = SymptomCheckin.objects.create(
                patient=patient,
                instrument=instrument,
                day=today,
                answers=list(answers),
                total=score.total,
                band=score.band,
                safety_flag=score.safety_flag,
            )
    except IntegrityError as exc:  # a double-submitted form racing itself
        raise ValidationError(
            gettext("You have already completed today's %(instrument)s.")
            % {"instrument": instrument.label}
        ) from exc

    chart_url = reverse("integration:patient-trends", kwargs={"patient_id": patient.pk})
    relapse = _relapse_signal(patient=patient) if instrument == Instrument.PHQ9 else None
    if score.safety_flag:
        # Never waits for a batch: the urgent alert is written with the check-in. One
        # answer, one alert: a rise in the same PHQ-9 is told in it, not in a second one.
        safety_path_trigger(
            patient=patient,
            source=f"integration:checkin:{checkin.pk}",
            url=chart_url,
            where=f"weekly {instrument.label}",
            also=[relapse[0].reason] if relapse else [],
        )
    elif relapse is not None:
        _relapse_alert(patient=patient, chart_url=chart_url, relapse=relapse)
    _reschedule_checkin_reminder(patient=patient, after=checkin)
    return checkin


def _relapse_signal(*, patient: User) -> tuple[RelapseSignal, int] | None:
    """The relapse rule on the patient's PHQ-9s since induction, with the id of the
    check-in the rise started from (None: no signal)."""
    conf = IntegrationSettings.load()
    since = selectors.induction_started_on(patient=patient)
    history = selectors.phq9_history(patient=patient, since=since)
    signal = relapse_signal(
        [total for _pk, total in history],
        rise_points=conf.relapse_rise_points,
        threshold=conf.relapse_threshold,
    )
    if signal is None:
        return None
    return signal, history[signal.nadir_index][0]


def _relapse_alert(
    *, patient: User, chart_url: str, relapse: tuple[RelapseSignal, int]
) -> StaffAlert:
    signal, nadir_pk = relapse
    return staff_alert_raise(
        kind=StaffAlert.Kind.RELAPSE_SIGNAL,
        patient=patient,
        title=f"{signal.reason} Consider a booster.",
        url=chart_url,
        # One alert per episode of worsening: keyed to the lowest score it rose from.
        dedupe_key=f"relapse:{patient.pk}:nadir:{nadir_pk}",
    )


def _reschedule_checkin_reminder(*, patient: User, after: SymptomCheckin) -> None:
    conf = IntegrationSettings.load()
    topic = reminder_topic(patient)
    notifications_cancel(topic=topic, kinds=[Kind.SYMPTOM_CHECKIN])
    notification_schedule(
        recipient=patient,
        kind=Kind.SYMPTOM_CHECKIN,
        send_at=_next_reminder_at(after.day, conf.checkin_interval_days),
        idempotency_key=f"symptom-checkin:{after.pk}:next",
        context={"url": portal_link(reverse("integration:trends"))},
        topic=topic,
    )


def checkin_reminder_ensure(*, patient: User, from_day: dt.date) -> None:
    """Start the weekly reminders (after a dosing session) unless one is already pending."""
    topic = reminder_topic(patient)
    if selectors.checkin_reminder_pending(patient=patient, topic=topic):
        return
    conf = IntegrationSettings.load()
    notification_schedule(
        recipient=patient,
        kind=Kind.SYMPTOM_CHECKIN,
        send_at=_next_reminder_at(from_day, conf.checkin_interval_days),
        idempotency_key=f"symptom-checkin:{patient.pk}:from:{from_day.isoformat()}",
        context={"url": portal_link(reverse("integration:trends"))},
        topic=topic,
    )


# --- Journal -------------------------------------------------------------------------


@transaction.atomic
def journal_entry_create(*, patient: User, title: str, body: str, share: bool) -> JournalEntry:
    ensure_patient(patient)
    if not body.strip():
        raise ValidationError(gettext("Write something before saving."))
    return JournalEntry.objects.create(
        patient=patient,
        title=title.strip(),
        body=body.strip(),
        shared_with_therapist=share,
        shared_at=timezone.now() if share else None,
    )


@transaction.atomic
def journal_entry_update(
    *, entry: JournalEntry, title: str, body: str, share: bool
) -> JournalEntry:
    if not body.strip():
        raise ValidationError(gettext("Write something before saving."))
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    entry.title = title.strip()
    entry.body = body.strip()
    if share and not entry.shared_with_therapist:
        entry.shared_at = timezone.now()
    if not share:
        entry.shared_at = None
    entry.shared_with_therapist = share
    entry.save()
    return entry


# --- Integration booking -------------------------------------------------------------


def window_topic(session: DosingSession) -> str:
    return f"integration-window:{session.pk}"


@transaction.atomic
def integration_book(
    *,
    session: DosingSession,
    service: Service,
    starts_at: dt.datetime,
    clinician: User,
    room: Room | None,
    booked_by: User,
) -> Appointment:
    """Book integration therapy inside the session's window, or refuse and say why.

    The window is checked here, whatever page (or crafted request) asked; the booking
    itself goes through scheduling, whose locks and constraints refuse a double booking.
    """
    # One booking at a time per session: two tabs cannot both book "the" integration.
    session = DosingSession.objects.select_for_update().select_related("patient").get(pk=session.pk)
    window = selectors.window_of(session)
    if window is None or session.status != DosingSession.Status.DISCHARGED:
        raise ValidationError(gettext("Integration therapy is booked once the session has ended."))
    refusal = booking_refusal(window, starts_at, for_staff=booked_by.pk != session.patient_id)
    if refusal:
        raise ValidationError(refusal)
    if service.kind != ServiceKind.INTEGRATION:
        raise ValidationError(gettext("Please choose an integration therapy visit."))
    if clinician.clinician_kind != ClinicianKind.THERAPIST:
        raise ValidationError(gettext("Please choose one of our integration therapists."))
    booked = selectors.integration_booked_for(session)
    if booked is not None:
        raise ValidationError(
            gettext("An integration session is already booked for this treatment, on %(when)s.")
            % {"when": local_label(booked.starts_at)}
        )
    appointment = appointment_book(
        patient=session.patient,
        service=service,
        location=None if room is None else room.location,
        clinician=clinician,
        room=room,
        starts_at=starts_at,
        booked_by=booked_by,
    )
    # Booked: the "book your integration" reminders of this window are moot.
    notifications_cancel(
        topic=window_topic(session),
        kinds=[Kind.INTEGRATION_WINDOW_OPEN, Kind.INTEGRATION_WINDOW_CLOSING],
    )
    return appointment


def on_session_discharged(session: DosingSession) -> None:
    """treatments' discharge hook: the window's reminders and the weekly check-ins.

    Runs inside the discharge transaction, so the rows exist only if the discharge does.
    """
    conf = IntegrationSettings.load()
    window = selectors.window_of(session, conf)
    if window is None:
        return
    url = portal_link(reverse("integration:slot-list", kwargs={"session_id": session.pk}))
    notification_schedule(
        recipient=session.patient,
        kind=Kind.INTEGRATION_WINDOW_OPEN,
        send_at=window.opens_at,
        idempotency_key=f"session:{session.pk}:integration-window:open",
        context={"url": url},
        topic=window_topic(session),
    )
    closing_at = window.closes_at - dt.timedelta(hours=conf.closing_reminder_hours_before)
    if closing_at > window.opens_at:
        notification_schedule(
            recipient=session.patient,
            kind=Kind.INTEGRATION_WINDOW_CLOSING,
            send_at=closing_at,
            idempotency_key=f"session:{session.pk}:integration-window:closing",
            context={"url": url},
            topic=window_topic(session),
        )
    checkin_reminder_ensure(
        patient=session.patient, from_day=session.discharged_at.astimezone(CLINIC_ZONE).date()
    )
