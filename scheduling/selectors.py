"""The reads scheduling's pages need, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from portal.models import Location, Role, User
from scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    Room,
    Service,
)
from scheduling.slots import Interval, Slot, WorkBlock, find_slots

__all__ = [
    "DayView",
    "Slot",
    "appointments_for_patient",
    "day_view",
    "free_slots",
    "request_queue",
    "request_queue_counts",
    "requests_for_patient",
    "upcoming_appointments_for",
]


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def free_slots(
    *,
    service: Service,
    location: Location | None,
    start: dt.date,
    end: dt.date,
    clinician: User | None = None,
) -> list[Slot]:
    """Free (time, clinician, room) for `service` at `location`, days `start`..`end`
    inclusive, buffers included. Telehealth services use telehealth hours and no room;
    their `location` may be None. Three queries whatever the number of days."""
    from scheduling.models import SchedulingSettings

    if end < start or not service.is_active:
        return []
    if not service.is_telehealth and (
        location is None or not service.locations.filter(pk=location.pk).exists()
    ):
        return []
    hours_qs = ClinicianHours.objects.filter(
        clinician__role=Role.CLINICIAN, clinician__is_active=True
    ).select_related("clinician")
    if service.is_telehealth:
        hours_qs = hours_qs.filter(location__isnull=True)
    else:
        hours_qs = hours_qs.filter(location=location)
    if clinician is not None:
        hours_qs = hours_qs.filter(clinician=clinician)
    hours_rows = list(hours_qs.order_by("clinician__full_name", "clinician_id", "starts"))
    if not hours_rows:
        return []
    clinicians = {row.clinician_id: row.clinician for row in hours_rows}

    rooms: dict[int, Room] | None = None
    if not service.is_telehealth:
        rooms = {
            room.pk: room
            for room in Room.objects.filter(
                location=location, kind=service.room_kind, is_active=True
            ).select_related("location")
        }
        if not rooms:
            return []

    first, last = _day_bounds(start, end)
    # Widen by a day so a neighbour's buffers at the edges are seen.
    window = DateTimeTZRange(first - dt.timedelta(days=1), last + dt.timedelta(days=1), "[)")
    clash = Q(clinician_id__in=list(clinicians))
    if rooms:
        clash |= Q(room_id__in=list(rooms))
    busy_by_clinician: dict[int, list[Interval]] = defaultdict(list)
    busy_by_room: dict[int, list[Interval]] = defaultdict(list)
    for clinician_id, room_id, blocked in Appointment.objects.filter(
        clash, status__in=LIVE_STATUSES, blocked__overlap=window
    ).values_list("clinician_id", "room_id", "blocked"):
        interval = (blocked.lower, blocked.upper)
        busy_by_clinician[clinician_id].append(interval)
        if room_id is not None:
            busy_by_room[room_id].append(interval)

    step = dt.timedelta(minutes=SchedulingSettings.load().slot_step_minutes or 15)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    core = find_slots(
        days=days,
        tz=timezone.get_current_timezone(),
        hours=[
            WorkBlock(row.clinician_id, row.weekday, row.starts, row.ends) for row in hours_rows
        ],
        rooms=None if rooms is None else list(rooms),
        busy_by_clinician=busy_by_clinician,
        busy_by_room=busy_by_room,
        duration=service.duration,
        buffer_before=service.buffer_before,
        buffer_after=service.buffer_after,
        step=step,
        not_before=timezone.now(),
    )
    return [
        Slot(
            slot.starts_at,
            slot.ends_at,
            clinicians[slot.clinician],
            None if rooms is None else rooms[slot.room],
        )
        for slot in core
    ]


# --- the front desk -----------------------------------------------------------------------


def request_queue(
    *,
    status: str = AppointmentRequest.Status.PENDING,
    location: Location | None = None,
    service: Service | None = None,
) -> QuerySet[AppointmentRequest]:
    """Requests oldest first (the one waiting longest comes first)."""
    # The queue shows whether a request moves a visit (reschedule_of_id), never the visit:
    # no join to appointments.
    qs = AppointmentRequest.objects.select_related(
        "patient__patient_profile", "service", "preferred_location"
    ).order_by("created_at", "id")
    if status:
        qs = qs.filter(status=status)
    if location is not None:
        qs = qs.filter(preferred_location=location)
    if service is not None:
        qs = qs.filter(service=service)
    return qs


def request_queue_counts() -> dict[str, Any]:
    """How many requests wait, in total, by location and by status: one query."""
    by_status: dict[str, int] = {}
    by_location: dict[str, int] = {}
    for status, name, n in (
        AppointmentRequest.objects.values_list("status", "preferred_location__name")
        .annotate(n=Count("id"))
        .order_by("preferred_location__name")
    ):
        by_status[status] = by_status.get(status, 0) + n
        if status == AppointmentRequest.Status.PENDING:
            key = name or "Telehealth"
            by_location[key] = by_location.get(key, 0) + n
    return {
        "pending": by_status.get(AppointmentRequest.Status.PENDING, 0),
        "by_status": by_status,
        "by_location": by_location,
    }


@dataclass
class RoomColumn:
    room: Room | None
    label: str
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class DayView:
    location: Location
    day: dt.date
    hours: list[dt.datetime]
    columns: list[RoomColumn]
    rows: list[tuple[dt.datetime, list[list[tuple[Appointment, bool]]]]]
    appointments: list[Appointment]


def day_view(*, location: Location, day: dt.date) -> DayView:
    """Rooms and chairs of a location against the hours of one day. Two queries."""
    rooms = list(Room.objects.filter(location=location, is_active=True).order_by("kind", "name"))
    first, last = _day_bounds(day, day)
    appointments = list(
        Appointment.objects.filter(location=location, starts_at__gte=first, starts_at__lt=last)
        .select_related("patient__patient_profile", "service", "clinician", "room")
        .order_by("starts_at", "id")
    )
    columns = [RoomColumn(room=room, label=room.name) for room in rooms]
    by_room = {column.room.pk: column for column in columns if column.room is not None}
    elsewhere = RoomColumn(room=None, label="No room")
    for appointment in appointments:
        by_room.get(appointment.room_id, elsewhere).appointments.append(appointment)
    if elsewhere.appointments:
        columns.append(elsewhere)
    tz = timezone.get_current_timezone()
    earliest = min([7] + [timezone.localtime(a.starts_at).hour for a in appointments])
    latest = max([19] + [timezone.localtime(a.ends_at).hour for a in appointments])
    hours = [dt.datetime.combine(day, dt.time(h), tzinfo=tz) for h in range(earliest, latest + 1)]
    rows = []
    for hour in hours:
        next_hour = hour + dt.timedelta(hours=1)
        # A visit shows in full where it starts and as "busy" in the hours it runs on.
        cells = [
            [
                (a, hour <= a.starts_at < next_hour)
                for a in column.appointments
                if a.starts_at < next_hour
                and a.ends_at > hour
                and (hour <= a.starts_at or a.is_live)
            ]
            for column in columns
        ]
        rows.append((hour, cells))
    return DayView(
        location=location,
        day=day,
        hours=hours,
        columns=columns,
        rows=rows,
        appointments=appointments,
    )


# --- the patient ----------------------------------------------------------------------------


def requests_for_patient(*, patient: User) -> QuerySet[AppointmentRequest]:
    return (
        AppointmentRequest.objects.filter(patient=patient)
        .select_related("service", "preferred_location", "reschedule_of")
        .order_by("-created_at", "-id")
    )


def appointments_for_patient(*, patient: User) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient)
        .select_related("service", "location", "clinician")
        .prefetch_related("reschedule_requests")
        .order_by("-starts_at", "-id")
    )


def upcoming_appointments_for(*, patient: User, limit: int = 3) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            patient=patient,
            status=Appointment.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .select_related("location")
        .order_by("starts_at")[:limit]
    )
