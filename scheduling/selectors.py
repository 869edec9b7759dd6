"""The reads scheduling's pages need, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from psycopg2.extras import DateTimeTZRange

from portal.identity import PatientIdentity, identity_of
from portal.models import PERSON_FIELDS, Location, Role, User, person_name
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
    "active_locations",
    "appointments_for_patient",
    "day_view",
    "free_slots",
    "location_names",
    "patient_panel",
    "person_name",
    "queue_locations",
    "request_queue",
    "request_queue_counts",
    "request_queue_page",
    "request_queue_total",
    "requests_for_patient",
    "service_choices",
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
    patient: User | None = None,
) -> list[Slot]:
    """Free (time, clinician, room) for `service` at `location`, days `start`..`end`
    inclusive, buffers included. Telehealth services use telehealth hours and no room;
    their `location` may be None. With `patient`, only times that keep the patient in
    one place. A handful of queries whatever the number of days."""
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

    busy_for_patient: list[Interval] = []
    if patient is not None:
        busy_for_patient = [
            (blocked.lower, blocked.upper)
            for blocked in Appointment.objects.filter(
                patient=patient, status__in=LIVE_STATUSES, blocked__overlap=window
            ).values_list("blocked", flat=True)
        ]

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
        busy_for_patient=busy_for_patient,
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


QUEUE_PAGE_SIZE = 25


def queue_locations() -> list[tuple[int, str, bool]]:
    """Every location as (id, name, is_active), by name: the queue's counts name them
    all, and its filter offers the active ones."""
    return list(Location.objects.order_by("name").values_list("id", "name", "is_active"))


def active_locations() -> list[tuple[int, str]]:
    """The active locations by name, as (id, name): filters' choices and the day view's
    default."""
    return list(Location.objects.filter(is_active=True).order_by("name").values_list("id", "name"))


def service_choices() -> list[tuple[int, str]]:
    """Every service as (id, name), by name, for the queue's filter."""
    return list(Service.objects.order_by("name").values_list("id", "name"))


def location_names() -> dict[int, str]:
    """Every location's name by id (clinic data), for counts read without a join."""
    return {pk: name for pk, name, _active in queue_locations()}


def request_queue_counts(*, location_names: dict[int, str]) -> dict[str, Any]:
    """How many requests wait, in total, by location (named from `location_names`,
    telehealth last) and by status, and per (status, location, service) for the
    queue's filtered totals: one query."""
    by_status: dict[str, int] = {}
    pending_by_location: dict[int | None, int] = {}
    groups: list[tuple[str, int | None, int, int]] = []
    found = (
        AppointmentRequest.objects.order_by()
        .values_list("status", "preferred_location_id", "service_id")
        .annotate(n=Count("pk"))
    )
    for status, location_id, service_id, n in found:
        groups.append((status, location_id, service_id, n))
        by_status[status] = by_status.get(status, 0) + n
        if status == AppointmentRequest.Status.PENDING:
            pending_by_location[location_id] = pending_by_location.get(location_id, 0) + n
    by_location = {
        name: pending_by_location[pk]
        for pk, name in sorted(location_names.items(), key=lambda item: item[1])
        if pk in pending_by_location
    }
    if None in pending_by_location:
        by_location["Telehealth"] = by_location.get("Telehealth", 0) + pending_by_location[None]
    return {
        "pending": by_status.get(AppointmentRequest.Status.PENDING, 0),
        "by_status": by_status,
        "by_location": by_location,
        "groups": groups,
    }


def request_queue_total(
    counts: dict[str, Any], *, status: str, location_id: int | None, service_id: int | None
) -> int:
    """How many requests match the queue's filters, from request_queue_counts."""
    return sum(
        n
        for s, loc, svc, n in counts["groups"]
        if (not status or s == status)
        and (location_id is None or loc == location_id)
        and (service_id is None or svc == service_id)
    )


class CountedPaginator(Paginator):
    """A Paginator told its count: the queue's counts are read for its header anyway,
    so the page need not COUNT the same rows again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def request_queue(
    *,
    status: str = AppointmentRequest.Status.PENDING,
    location_id: int | None = None,
    service_id: int | None = None,
) -> QuerySet[AppointmentRequest]:
    """Requests oldest first (the one waiting longest comes first), with what a row of
    the queue prints: the patient's name, the service and the preferred location. The
    queue shows whether a request moves a visit (reschedule_of_id), never the visit. A
    filter left empty matches every row."""
    requests = AppointmentRequest.objects.all()
    if status:
        requests = requests.filter(status=status)
    if location_id is not None:
        requests = requests.filter(preferred_location_id=location_id)
    if service_id is not None:
        requests = requests.filter(service_id=service_id)
    return (
        requests.select_related("patient__patient_profile", "service", "preferred_location")
        .only(
            "created_at",
            "status",
            "reschedule_of_id",
            "preferred_date_1",
            "preferred_time_1",
            "preferred_date_2",
            "preferred_time_2",
            "preferred_date_3",
            "preferred_time_3",
            "payer_kind",
            "plan_name",
            "service__name",
            "preferred_location__name",
            *(f"patient__{name}" for name in PERSON_FIELDS),
        )
        .order_by("created_at", "id")
    )


def request_queue_page(
    *,
    status: str = AppointmentRequest.Status.PENDING,
    location_id: int | None = None,
    service_id: int | None = None,
    page: int | str | None = 1,
    total: int,
    size: int = QUEUE_PAGE_SIZE,
) -> Page:
    """One page of request_queue; `total` (from request_queue_counts) numbers the pages,
    and a page number out of range gives the nearest page. One query."""
    paginator = CountedPaginator(
        request_queue(status=status, location_id=location_id, service_id=service_id),
        size,
        count=total,
    )
    return paginator.get_page(page)


@dataclass(frozen=True)
class DayVisit:
    """One visit on the day view's grid, with the desk's buttons for its status (none for
    who may not act): each (status it may move to, label)."""

    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    status_label: str
    is_live: bool
    patient: str
    service: str
    clinician: str
    actions: tuple[tuple[str, str], ...]
    # Who, as staff see them (legal name, birth date, chart number): portal.identity.
    identity: PatientIdentity | None = None


@dataclass(frozen=True)
class DaySlot:
    """A visit in one hour of the grid: in full the hour it starts, "busy" after."""

    starts_here: bool
    visit: DayVisit


@dataclass(frozen=True)
class DayColumn:
    room_id: int | None
    label: str
    kind: str


@dataclass(frozen=True)
class DayRow:
    """One hour of the grid: a cell a column, each the visits in that room that hour."""

    hour: dt.datetime
    cells: list[list[DaySlot]]


@dataclass(frozen=True)
class DayView:
    """A location's rooms against the hours of one day."""

    location_id: int
    location_name: str
    day: dt.date
    columns: list[DayColumn]
    rows: list[DayRow]
    appointments: list[DayVisit]


def day_view(
    *,
    location_id: int,
    location_name: str,
    day: dt.date,
    actions: dict[str, list[tuple[str, str]]] | None = None,
) -> DayView:
    """Rooms and chairs of a location against the hours of one day. Two queries: the
    rooms, and the day's appointments with their service, clinician and patient names.
    `actions` maps a visit's status to the desk's buttons for it."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    actions = actions or {}
    rooms = Room.objects.filter(location_id=location_id, is_active=True).order_by("kind", "name")
    columns = [
        DayColumn(room_id=room.pk, label=room.name, kind=room.get_kind_display())
        for room in rooms.only("name", "kind")
    ]
    first, last = _day_bounds(day, day)
    found = (
        Appointment.objects.filter(
            location_id=location_id, starts_at__gte=first, starts_at__lt=last
        )
        .select_related("service", "clinician", "patient__patient_profile")
        .only(
            "starts_at",
            "ends_at",
            "status",
            "room_id",
            "service__name",
            "clinician__role",
            "clinician__full_name",
            "clinician__email",
            *(f"patient__{name}" for name in PERSON_FIELDS),
        )
        .order_by("starts_at", "id")
    )
    index = {column.room_id: i for i, column in enumerate(columns)}
    placed: list[tuple[int | None, DayVisit]] = []
    in_order: list[DayVisit] = []
    for appointment in found:
        visit = DayVisit(
            pk=appointment.pk,
            starts_at=appointment.starts_at.astimezone(tz),
            ends_at=appointment.ends_at.astimezone(tz),
            status=appointment.status,
            status_label=appointment.get_status_display(),
            is_live=appointment.status in LIVE_STATUSES,
            patient=appointment.patient.display_name,
            service=appointment.service.name,
            clinician=appointment.clinician.display_name,
            actions=tuple(actions.get(appointment.status, ())),
            identity=identity_of(appointment.patient, today=today),
        )
        placed.append((index.get(appointment.room_id), visit))
        in_order.append(visit)
    if any(column is None for column, _ in placed):
        columns.append(DayColumn(room_id=None, label="No room", kind=""))
        placed = [
            (len(columns) - 1 if column is None else column, visit) for column, visit in placed
        ]
    # Each room's visits together, in the columns' order, then by time.
    placed.sort(key=lambda item: item[0])
    visits = [visit for _, visit in placed]
    earliest = min([7] + [v.starts_at.hour for v in visits])
    latest = max([19] + [v.ends_at.hour for v in visits])
    rows = [
        DayRow(
            hour=dt.datetime.combine(day, dt.time(h), tzinfo=tz),
            cells=[[] for _ in columns],
        )
        for h in range(earliest, latest + 1)
    ]
    # A visit shows in full in the hour it starts and, while live, as "busy" in the later
    # hours it runs into.
    for column, visit in placed:
        first_hour = visit.starts_at.hour
        for row in rows[first_hour - earliest :]:
            hour = row.hour.hour
            if visit.ends_at <= row.hour or (hour > first_hour and not visit.is_live):
                break
            row.cells[column].append(DaySlot(starts_here=hour == first_hour, visit=visit))
    return DayView(
        location_id=location_id,
        location_name=location_name,
        day=day,
        columns=columns,
        rows=rows,
        appointments=[
            visit for _, visit in sorted(placed, key=lambda p: (p[1].starts_at, p[1].pk))
        ],
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


@dataclass(frozen=True)
class UpcomingVisit:
    starts_at: dt.datetime
    where: str


def patient_panel(*, patient: User, limit: int = 3) -> dict[str, Any]:
    """The patient's home panel: their next `limit` scheduled visits, when and where,
    and how many of their requests are pending. One query: the patient's row, joined to
    their upcoming visits (one row with none when no visit is booked), with the count of
    waiting requests beside it."""
    waiting = (
        AppointmentRequest.objects.filter(
            patient=OuterRef("pk"), status=AppointmentRequest.Status.PENDING
        )
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        User.objects.filter(pk=patient.pk)
        .annotate(
            upcoming=FilteredRelation(
                "appointments",
                condition=Q(
                    appointments__status=Appointment.Status.SCHEDULED,
                    appointments__starts_at__gte=timezone.now(),
                ),
            ),
            waiting=Coalesce(Subquery(waiting), 0),
        )
        .values_list("waiting", "upcoming__starts_at", "upcoming__location__name")
        .order_by("upcoming__starts_at")[:limit]
    )
    rows = list(found)
    return {
        "upcoming": [
            UpcomingVisit(starts_at=starts_at, where=location_name or "Telehealth (video)")
            for _n, starts_at, location_name in rows
            if starts_at is not None
        ],
        "pending_requests": rows[0][0] if rows else 0,
    }
