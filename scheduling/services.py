"""Every write scheduling knows: requests, confirmations, bookings, cancellations.

Each function is one use case, atomic, and the only place that writes scheduling's
outbox rows (in the same transaction as the change). Booking locks the clinician's and
the room's rows before inserting, so that two desks racing for one chair queue up and
the loser gets a clean "no longer free" message (never a deadlock, never a 500); the
database's exclusion constraints remain the last word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from psycopg2.extras import DateTimeTZRange

from intake.selectors import visit_gate_gaps
from portal.formats import format_day, format_time_range
from portal.models import Location, Role, User
from portal.notifications import timing
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel
from portal.notifications.services import (
    notification_schedule,
    notifications_cancel,
    portal_link,
    visit_place,
)
from portal.permissions import Capability, require_capability
from scheduling import hooks
from scheduling.billing_services import charge_for_completed, estimate_due_for_booking
from scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    ContactPreference,
    PayerKind,
    PayerRule,
    Room,
    SchedulingSettings,
    Service,
)
from scheduling.payers import PayerBlock, parse_aliases, payer_refusal
from scheduling.selectors import location_opening, patient_doses, spacing_message, spacing_rules
from scheduling.spacing import Dose, spacing_clash, widest_gap
from scheduling.telehealth import video_link_problem

EXCLUSION_VIOLATION = "23P01"
NO_LONGER_FREE = (
    "That time is no longer free: {what} is already booked then. Please pick another slot."
)

Window = tuple[dt.date, str]


# --- payers -------------------------------------------------------------------------


def payer_blocks() -> list[PayerBlock]:
    return [
        PayerBlock(
            name=rule.name,
            aliases=parse_aliases(rule.aliases),
            not_accepted_from=rule.not_accepted_from,
            message=rule.message_in(get_language()),
        )
        for rule in PayerRule.objects.filter(is_active=True).order_by("name")
    ]


def payer_check(*, payer_kind: str, plan_name: str, pays_privately: bool = False) -> None:
    """Refuse a payer the clinic does not accept today, with the clinic's message.

    The error is keyed to the payer field so a form shows it right there.
    """
    # The payer's English name is what the clinic's aliases are written against.
    with override("en"):
        label = str(dict(PayerKind.choices).get(payer_kind, payer_kind))
    refusal = payer_refusal(
        answers=[label, plan_name],
        blocks=payer_blocks(),
        on=timezone.localdate(),
        pays_privately=pays_privately,
        self_pay_allowed=SchedulingSettings.load().medi_cal_self_pay_allowed,
    )
    if refusal is not None:
        raise ValidationError({"payer_kind": refusal.message})


# --- requests (patient side) ------------------------------------------------------------


def _check_windows(windows: Sequence[Window]) -> None:
    if not 2 <= len(windows) <= 3:
        raise ValidationError(_("Please give two or three preferred days and times."))
    today = timezone.localdate()
    if any(day < today for day, _part in windows):
        raise ValidationError(_("Preferred days cannot be in the past."))


def _check_patient(patient: User) -> None:
    if getattr(patient, "role", None) != Role.PATIENT or not patient.is_active:
        raise ValidationError(_("Only a patient's own account can request appointments."))


@transaction.atomic
def appointment_request_create(
    *,
    patient: User,
    service: Service,
    preferred_location: Location | None,
    windows: Sequence[Window],
    contact_preference: str,
    payer_kind: str,
    plan_name: str = "",
    pays_privately: bool = False,
    note: str = "",
) -> AppointmentRequest:
    _check_patient(patient)
    if not service.is_active:
        raise ValidationError({"service": _("This service is not offered at the moment.")})
    if preferred_location is None and not service.is_telehealth:
        raise ValidationError({"preferred_location": _("Please choose a location.")})
    if (
        preferred_location is not None
        and not service.is_telehealth
        and not service.locations.filter(pk=preferred_location.pk).exists()
    ):
        raise ValidationError(
            {
                "preferred_location": _("%(service)s is not offered at %(location)s.")
                % {"service": service, "location": preferred_location}
            }
        )
    if payer_kind not in PayerKind.values:
        raise ValidationError({"payer_kind": _("Please choose how the visit will be paid.")})
    if payer_kind == PayerKind.COMMERCIAL and not plan_name.strip():
        raise ValidationError({"plan_name": _("Please give the name of your insurance plan.")})
    payer_check(payer_kind=payer_kind, plan_name=plan_name, pays_privately=pays_privately)
    _check_windows(windows)
    padded = list(windows) + [(None, "")] * (3 - len(windows))
    request = AppointmentRequest(
        patient=patient,
        service=service,
        preferred_location=preferred_location,
        preferred_date_1=padded[0][0],
        preferred_time_1=padded[0][1],
        preferred_date_2=padded[1][0],
        preferred_time_2=padded[1][1],
        preferred_date_3=padded[2][0],
        preferred_time_3=padded[2][1],
        contact_preference=contact_preference,
        payer_kind=payer_kind,
        plan_name=plan_name.strip(),
        pays_privately=pays_privately,
        note=note.strip(),
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def appointment_request_cancel(*, request: AppointmentRequest, by: User) -> AppointmentRequest:
    request = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AppointmentRequest.Status.PENDING:
        raise ValidationError(_("Only a request that is still waiting can be cancelled."))
    request.status = AppointmentRequest.Status.CANCELLED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


@transaction.atomic
def appointment_reschedule_request(
    *, appointment: Appointment, by: User, windows: Sequence[Window], note: str = ""
) -> AppointmentRequest:
    """A patient asks to move a confirmed visit: a request the front desk confirms."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError(_("Only an upcoming appointment can be moved."))
    if appointment.reschedule_requests.filter(status=AppointmentRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked to move this appointment."))
    _check_windows(windows)
    original = appointment.request
    padded = list(windows) + [(None, "")] * (3 - len(windows))
    request = AppointmentRequest(
        patient=appointment.patient,
        service=appointment.service,
        preferred_location=appointment.location,
        preferred_date_1=padded[0][0],
        preferred_time_1=padded[0][1],
        preferred_date_2=padded[1][0],
        preferred_time_2=padded[1][1],
        preferred_date_3=padded[2][0],
        preferred_time_3=padded[2][1],
        contact_preference=original.contact_preference if original else "email",
        payer_kind=original.payer_kind if original else "",
        plan_name=original.plan_name if original else "",
        pays_privately=original.pays_privately if original else False,
        note=note.strip(),
        reschedule_of=appointment,
    )
    request.full_clean()
    request.save()
    return request


# --- requests (front desk) ----------------------------------------------------------------


def _lock_pending(request: AppointmentRequest) -> AppointmentRequest:
    locked = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != AppointmentRequest.Status.PENDING:
        raise ValidationError(
            f"This request is already {locked.get_status_display().lower()}; nothing was changed."
        )
    return locked


def _appointments_link() -> str:
    return portal_link(reverse("scheduling:appointment-list"))


@transaction.atomic
def appointment_request_confirm(
    *,
    request: AppointmentRequest,
    by: User,
    starts_at: dt.datetime,
    clinician: User,
    room: Room | None,
    location: Location | None = None,
) -> Appointment:
    """Place a pending request on a time, clinician and room; tell the patient."""
    request = _lock_pending(request)
    if request.service.is_telehealth:
        location = None  # a video visit happens at no clinic location
    elif location is None:
        location = room.location if room is not None else request.preferred_location
    if request.reschedule_of_id:
        appointment = appointment_reschedule(
            appointment=request.reschedule_of,
            starts_at=starts_at,
            by=by,
            clinician=clinician,
            room=room,
        )
    else:
        # The payer rule may have changed since the patient asked: check it again.
        payer_check(
            payer_kind=request.payer_kind,
            plan_name=request.plan_name,
            pays_privately=request.pays_privately,
        )
        appointment = appointment_book(
            patient=request.patient,
            service=request.service,
            location=location,
            clinician=clinician,
            room=room,
            starts_at=starts_at,
            booked_by=by,
            request=request,
        )
    request.status = AppointmentRequest.Status.CONFIRMED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    notification_schedule(
        recipient=request.patient,
        kind=Kind.REQUEST_CONFIRMED,
        send_at=timezone.now(),
        idempotency_key=f"request:{request.pk}:confirmed",
        context=_appointment_context(appointment),
        topic=f"appointment:{appointment.pk}",
        channel=reply_channel(request.contact_preference),
    )
    return appointment


@transaction.atomic
def appointment_request_decline(
    *, request: AppointmentRequest, by: User, reason: str
) -> AppointmentRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Please give the patient a reason."})
    request = _lock_pending(request)
    request.status = AppointmentRequest.Status.DECLINED
    request.decline_reason = reason
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(
        update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"]
    )
    # The reason stays in the portal; the message only says there is news there.
    notification_schedule(
        recipient=request.patient,
        kind=Kind.REQUEST_DECLINED,
        send_at=timezone.now(),
        idempotency_key=f"request:{request.pk}:declined",
        context={"url": _appointments_link()},
        topic=f"request:{request.pk}",
        channel=reply_channel(request.contact_preference),
    )
    return request


# --- appointments -------------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _check_placement(
    *,
    patient: User,
    service: Service,
    location: Location | None,
    clinician: User,
    room: Room | None,
    starts_at: dt.datetime,
) -> dt.datetime:
    """Everything about a booking except overlaps; returns ends_at."""
    _check_patient(patient)
    if timezone.is_naive(starts_at):
        raise ValidationError("The start time must carry a time zone.")
    if starts_at <= timezone.now():
        raise ValidationError("That time has already passed.")
    if not service.is_active:
        raise ValidationError(f"{service} is not offered at the moment.")
    if clinician.role != Role.CLINICIAN or not clinician.is_active:
        raise ValidationError("Please choose an active clinician.")
    if not service.may_be_delivered_by(clinician.clinician_kind):
        kind = clinician.get_clinician_kind_display().lower() or "clinician without a kind"
        raise ValidationError(
            f"{service} is delivered by {service.clinician_kinds_display} only; "
            f"{clinician} is a {kind}."
        )
    if service.is_telehealth:
        if room is not None:
            raise ValidationError("A telehealth visit needs no room.")
    else:
        if location is None:
            raise ValidationError("Please choose a location.")
        if not service.locations.filter(pk=location.pk).exists():
            raise ValidationError(f"{service} is not offered at {location}.")
        if room is None:
            raise ValidationError("Please choose a room or chair.")
        if room.location_id != location.pk or not room.is_active:
            raise ValidationError(f"{room.name} is not a room at {location}.")
        if room.kind != service.room_kind:
            raise ValidationError(
                f"{service} needs a {service.get_room_kind_display().lower()}, "
                f"not a {room.get_kind_display().lower()}."
            )
    ends_at = starts_at + service.duration
    start_local, end_local = _local(starts_at), _local(ends_at)
    hours = ClinicianHours.objects.filter(
        clinician=clinician,
        weekday=start_local.weekday(),
        starts__lte=start_local.time(),
        ends__gte=end_local.time(),
    )
    hours = (
        hours.filter(location__isnull=True)
        if service.is_telehealth
        else hours.filter(location=location)
    )
    if start_local.date() != end_local.date() or not hours.exists():
        where = "by telehealth" if service.is_telehealth else f"at {location}"
        raise ValidationError(f"{clinician} does not work {where} at that time.")
    if not service.is_telehealth:
        day = start_local.date()
        opening = location_opening(location=location)
        if not opening.covers(start_local, end_local):
            raise ValidationError(
                opening.closed_reason(day) or f"{location} is not open for all of that visit."
            )
    gaps = visit_gate_gaps(
        patient=patient, modality=service.modality, telehealth=service.is_telehealth
    )
    if gaps:
        raise ValidationError(gaps)
    return ends_at


def patient_clash_message(other: Appointment) -> str:
    """Names the patient's other visit by its time only (the desk sees the service elsewhere)."""
    return (
        f"The patient already has a visit {format_day(other.starts_at)}, "
        f"{format_time_range(other.starts_at, other.ends_at)}"
        f" ({other.where}); a patient can be in only one place at a time."
    )


def _check_spacing(
    *, patient: User, service: Service, starts_at: dt.datetime, exclude_pk: int | None
) -> None:
    """The clinic's dose spacing (scheduling.spacing), asked under the patient's lock."""
    if not service.modality:
        return
    rules = spacing_rules()
    if service.modality not in rules:
        return
    reach = widest_gap(rules)
    clash = spacing_clash(
        candidate=Dose(starts_at, service.modality),
        others=patient_doses(
            patient=patient,
            start=starts_at - reach,
            end=starts_at + reach,
            exclude_pk=exclude_pk,
        ),
        rules=rules,
        max_dissociative_per_day=SchedulingSettings.load().max_dissociative_doses_per_day,
        tz=timezone.get_current_timezone(),
    )
    if clash is not None:
        raise ValidationError(spacing_message(clash))


def _lock_and_check_free(
    *,
    patient: User,
    clinician: User,
    room: Room | None,
    blocked: DateTimeTZRange,
    service: Service,
    starts_at: dt.datetime,
    exclude_pk: int | None = None,
) -> None:
    # Always patient, then clinician, then room: one order for everyone, so no lock
    # cycle. The patient's row lock makes two desks booking one patient queue up, so
    # the second sees the first's visit (and the spacing rules see every dose).
    User.objects.select_for_update().only("pk").get(pk=patient.pk)
    User.objects.select_for_update().only("pk").get(pk=clinician.pk)
    if room is not None:
        Room.objects.select_for_update().only("pk").get(pk=room.pk)
    clash = Appointment.objects.filter(status__in=LIVE_STATUSES, blocked__overlap=blocked)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.filter(patient=patient).select_related("location").first()
    if other is not None:
        raise ValidationError(patient_clash_message(other))
    if clash.filter(clinician=clinician).exists():
        raise ValidationError(NO_LONGER_FREE.format(what=str(clinician)))
    if room is not None and clash.filter(room=room).exists():
        raise ValidationError(NO_LONGER_FREE.format(what=room.name))
    _check_spacing(patient=patient, service=service, starts_at=starts_at, exclude_pk=exclude_pk)


def _save_or_refuse(appointment: Appointment, **save_kwargs: Any) -> None:
    try:
        with transaction.atomic():
            appointment.save(**save_kwargs)
    except IntegrityError as exc:
        if getattr(exc.__cause__, "pgcode", None) == EXCLUSION_VIOLATION:
            raise ValidationError(
                "That time is no longer free for the patient, the clinician or the room. "
                "Please pick another slot."
            ) from exc
        raise


def reply_channel(contact_preference: str) -> Channel | None:
    """How the answer to a request reaches the patient: the way they asked to be
    contacted on it ("text message" is a text, "email" an email); for "phone call" the
    office calls, and the written answer follows their saved notification choice (None).
    Quiet hours hold a text back either way."""
    return {
        ContactPreference.TEXT: Channel.SMS,
        ContactPreference.EMAIL: Channel.EMAIL,
    }.get(contact_preference)


def _appointment_context(appointment: Appointment) -> dict[str, Any]:
    # Time, place and a link: nothing about the service, which could reveal treatment.
    return {
        "starts_at": appointment.starts_at.isoformat(),
        **visit_place(appointment.location.name if appointment.location_id else None),
        "url": _appointments_link(),
    }


def _reminders_write(appointment: Appointment) -> None:
    now = timezone.now()
    suffix = f":r{appointment.reschedule_count}" if appointment.reschedule_count else ""
    config = SchedulingSettings.load()
    reminders = timing.appointment_reminders(
        appointment.starts_at,
        hours=config.reminder_hours,
        day_before=config.day_before_reminder_at,
        zone=ZoneInfo(django_settings.TIME_ZONE),
    )
    for name, send_at in reminders:
        if send_at <= now:
            continue
        notification_schedule(
            recipient=appointment.patient,
            kind=Kind.APPOINTMENT_REMINDER,
            send_at=send_at,
            idempotency_key=f"appointment:{appointment.pk}:reminder:{name}{suffix}",
            context=_appointment_context(appointment),
            topic=f"appointment:{appointment.pk}",
        )


@transaction.atomic
def appointment_book(
    *,
    patient: User,
    service: Service,
    location: Location | None,
    clinician: User,
    room: Room | None,
    starts_at: dt.datetime,
    booked_by: User | None,
    request: AppointmentRequest | None = None,
) -> Appointment:
    """Book a visit, or refuse with a reason (gate, hours, room, a clash)."""
    ends_at = _check_placement(
        patient=patient,
        service=service,
        location=location,
        clinician=clinician,
        room=room,
        starts_at=starts_at,
    )
    blocked = service.blocked_range(starts_at, ends_at)
    _lock_and_check_free(
        patient=patient,
        clinician=clinician,
        room=room,
        blocked=blocked,
        service=service,
        starts_at=starts_at,
    )
    appointment = Appointment(
        patient=patient,
        service=service,
        location=location,
        clinician=clinician,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked=blocked,
        request=request,
        booked_by=booked_by,
    )
    _save_or_refuse(appointment)
    if request is None:
        # A visit booked without its request (a course's series, a session placed by
        # hand) still answers what the patient asked for.
        appointment_request_answer_by_booking(appointment=appointment, by=booked_by)
    _reminders_write(appointment)
    estimate_due_for_booking(appointment=appointment)  # self-pay: a good-faith estimate
    return appointment


@transaction.atomic
def appointment_request_answer_by_booking(
    *, appointment: Appointment, by: User | None
) -> AppointmentRequest | None:
    """Mark the patient's oldest waiting request for this visit confirmed and link the
    visit to it: a request for the same service, or for a dosing visit of the same
    modality (a refused "IV infusion" request is answered when the course's series is
    booked). A request to move a visit is left to the desk: it names its own visit. No
    message: the booking's own one tells the patient the time and place."""
    service = appointment.service
    matches = Q(service_id=service.pk)
    if service.modality:
        matches |= Q(service__modality=service.modality)
    request = (
        AppointmentRequest.objects.select_for_update(of=("self",))
        .filter(
            matches,
            patient_id=appointment.patient_id,
            status=AppointmentRequest.Status.PENDING,
            reschedule_of__isnull=True,
        )
        .order_by("created_at", "id")
        .first()
    )
    if request is None:
        return None
    request.status = AppointmentRequest.Status.CONFIRMED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    appointment.request = request
    appointment.save(update_fields=["request", "updated_at"])
    return request


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    by: User,
    clinician: User | None = None,
    room: Room | None = None,
) -> Appointment:
    """Move a scheduled visit; its pending reminders move with it."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service", "patient", "location", "clinician", "room")
        .get(pk=appointment.pk)
    )
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError("Only a scheduled appointment can be moved.")
    vacated = hooks.VacatedTime.of(appointment)
    clinician = clinician or appointment.clinician
    room = room if room is not None else appointment.room
    location = room.location if room is not None else appointment.location
    ends_at = _check_placement(
        patient=appointment.patient,
        service=appointment.service,
        location=location,
        clinician=clinician,
        room=room,
        starts_at=starts_at,
    )
    blocked = appointment.service.blocked_range(starts_at, ends_at)
    _lock_and_check_free(
        patient=appointment.patient,
        clinician=clinician,
        room=room,
        blocked=blocked,
        service=appointment.service,
        starts_at=starts_at,
        exclude_pk=appointment.pk,
    )
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at
    appointment.blocked = blocked
    appointment.clinician = clinician
    appointment.room = room
    appointment.location = location
    appointment.reschedule_count += 1
    appointment.status_changed_by = by
    appointment.status_changed_at = timezone.now()
    _save_or_refuse(appointment)
    notifications_cancel(topic=f"appointment:{appointment.pk}", kinds=[Kind.APPOINTMENT_REMINDER])
    _reminders_write(appointment)
    estimate_due_for_booking(appointment=appointment)  # a changed plan: a new estimate
    hooks.notify_appointment_moved(appointment, vacated)
    return appointment


def is_late_cancellation(appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    window = dt.timedelta(hours=SchedulingSettings.load().late_cancellation_hours)
    return appointment.starts_at - (now or timezone.now()) < window


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by: User, reason: str = "") -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location")
        .get(pk=appointment.pk)
    )
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError(
            _("This appointment is %(status)s; only a scheduled one can be cancelled.")
            % {"status": appointment.get_status_display().lower()}
        )
    by_patient = by.pk == appointment.patient_id
    # Staff cancel on the patient's behalf: the record says who and why, always.
    if not by_patient and not reason.strip():
        raise ValidationError({"reason": "Please give the reason for cancelling this visit."})
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancel_reason = reason.strip()[:300]
    appointment.cancelled_by_patient = by_patient
    appointment.late_cancellation = by_patient and is_late_cancellation(appointment)
    appointment.status_changed_by = by
    appointment.status_changed_at = timezone.now()
    appointment.save()
    appointment.reschedule_requests.filter(status=AppointmentRequest.Status.PENDING).update(
        status=AppointmentRequest.Status.CANCELLED, decided_at=timezone.now()
    )
    hooks.notify_appointment_status_changed(appointment)
    notifications_cancel(topic=f"appointment:{appointment.pk}")
    if not by_patient:
        notification_schedule(
            recipient=appointment.patient,
            kind=Kind.APPOINTMENT_CANCELLED,
            send_at=timezone.now(),
            idempotency_key=f"appointment:{appointment.pk}:cancelled",
            context=_appointment_context(appointment),
            topic=f"appointment:{appointment.pk}:cancelled",
        )
    return appointment


# Which status may follow which, at the front desk.
STATUS_MOVES: dict[str, frozenset[str]] = {
    Appointment.Status.SCHEDULED: frozenset(
        {
            Appointment.Status.CHECKED_IN,
            Appointment.Status.NO_SHOW,
            Appointment.Status.COMPLETED,
            Appointment.Status.CANCELLED,
        }
    ),
    # A checked-in patient who leaves before the dose is marked no-show: their chart
    # (if opened) closes as "not given" (a hook refuses it once the dose was given).
    Appointment.Status.CHECKED_IN: frozenset(
        {Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW}
    ),
}


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str, by: User) -> Appointment:
    if status == Appointment.Status.CANCELLED:
        # A cancel needs a reason: the desk's cancel page calls appointment_cancel.
        raise ValidationError("Cancel a visit from its cancel page, with a reason.")
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    allowed = STATUS_MOVES.get(appointment.status, frozenset())
    if status not in allowed:
        label = dict(Appointment.Status.choices).get(status, status)
        raise ValidationError(
            f"An appointment that is {appointment.get_status_display().lower()} "
            f"cannot be marked {str(label).lower()}."
        )
    if timezone.localdate() < _local(appointment.starts_at).date():
        raise ValidationError("This visit is on a later day; mark it on the day.")
    appointment.status = status
    appointment.status_changed_by = by
    appointment.status_changed_at = timezone.now()
    appointment.save(
        update_fields=["status", "status_changed_by", "status_changed_at", "updated_at"]
    )
    hooks.notify_appointment_status_changed(appointment)
    if status == Appointment.Status.COMPLETED:
        charge_for_completed(appointment=appointment)  # the visit's charge, at today's price
    if status == Appointment.Status.NO_SHOW:
        notifications_cancel(
            topic=f"appointment:{appointment.pk}", kinds=[Kind.APPOINTMENT_REMINDER]
        )
    return appointment


@transaction.atomic
def appointment_set_video_link(*, appointment: Appointment, url: str, by: User) -> Appointment:
    """Attach (or replace, or with an empty `url` remove) the video meeting link of a
    telehealth visit. The patient sees it only in the portal, around the visit."""
    require_capability(by, Capability.TELEHEALTH_LINK, "You cannot set video links.")
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=appointment.pk)
    )
    if not appointment.service.is_telehealth:
        raise ValidationError("Only a telehealth visit has a video link.")
    if appointment.status not in (Appointment.Status.SCHEDULED, Appointment.Status.CHECKED_IN):
        raise ValidationError("This visit is over or cancelled: it needs no video link.")
    url = url.strip()
    if url:
        problem = video_link_problem(url)
        if problem:
            raise ValidationError({"video_link": problem})
    appointment.video_link = url
    appointment.save(update_fields=["video_link", "updated_at"])
    return appointment
