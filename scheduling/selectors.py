"""The reads scheduling's pages need, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from intake.modalities import Modality
from portal.clinic_data import ClinicDataCache
from portal.formats import format_day, format_time_range, format_when
from portal.models import (
    Location,
    Role,
    User,
    name_from_columns,
    person_name,
    person_name_sql,
)
from portal.sql import PreparedQuery
from scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    Room,
    RoomKind,
    Service,
    payer_display,
    windows_display,
)
from scheduling.slots import Interval, Slot, WorkBlock, clip_to_opening, find_slots
from scheduling.spacing import Dose, SpacingClash, SpacingRule, spacing_clash, widest_gap

__all__ = [
    "DayView",
    "QueueChoices",
    "QueuePage",
    "Slot",
    "appointments_for_patient",
    "day_view",
    "free_slots",
    "location_names",
    "location_opening",
    "patient_doses",
    "patient_panel",
    "person_name",
    "queue_choices",
    "request_queue_counts",
    "request_queue_page",
    "request_queue_total",
    "requests_for_patient",
    "slot_search",
    "spacing_message",
    "spacing_rules",
]


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


@dataclass(frozen=True)
class LocationOpening:
    """When a location is open: its weekly hours by weekday, or None when it has none on
    record (then it is open whenever its clinicians work). Clinic holidays
    (ClinicHoliday) count for the estimate clock only; they do not close the calendar."""

    name: str
    weekly: dict[int, tuple[tuple[dt.time, dt.time], ...]] | None

    def closed_reason(self, day: dt.date) -> str:
        """Why the location is closed on `day`; "" when it is open some of the day."""
        if self.weekly is not None and not self.weekly.get(day.weekday()):
            return f"{self.name} is closed on {day:%A}s."
        return ""

    def covers(self, starts: dt.datetime, ends: dt.datetime) -> bool:
        """Whether a visit from `starts` to `ends` (clinic-local) lies inside one opening
        block of its day."""
        if ends.date() != starts.date():
            return False
        if self.weekly is None:
            return True
        return any(
            opens <= starts.time() and ends.time() <= closes
            for opens, closes in self.weekly.get(starts.weekday(), ())
        )


def location_opening(*, location: Location) -> LocationOpening:
    """A location's weekly opening hours: one query."""
    from scheduling.models import LocationHours

    weekly: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    rows = LocationHours.objects.filter(location=location).values_list("weekday", "opens", "closes")
    for weekday, opens, closes in rows:
        weekly[weekday].append((opens, closes))
    return LocationOpening(
        name=location.name,
        weekly={d: tuple(sorted(b)) for d, b in weekly.items()} if weekly else None,
    )


def spacing_rules() -> dict[str, SpacingRule]:
    """The clinic's dose spacing by modality (DosingSpacing rows): one query."""
    from scheduling.models import DosingSpacing

    return {
        modality: SpacingRule(dt.timedelta(hours=hours), dissociative)
        for modality, hours, dissociative in DosingSpacing.objects.values_list(
            "modality", "min_hours_between", "is_dissociative"
        )
    }


def patient_doses(
    *,
    patient: User,
    start: dt.datetime,
    end: dt.datetime,
    exclude_pk: int | None = None,
) -> list[Dose]:
    """The patient's live dosing visits starting in [start, end), as spacing Doses keyed
    by their appointment (service and location joined, to name a clash): one query."""
    found = (
        Appointment.objects.filter(
            patient=patient,
            status__in=LIVE_STATUSES,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .exclude(service__modality="")
        .select_related("service", "location")
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return [Dose(a.starts_at, a.service.modality, a) for a in found]


@dataclass(frozen=True)
class SlotSearch:
    """The free slots over some days, and for each day without one, why."""

    slots: list[Slot]
    notes: dict[dt.date, str]


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
    their `location` may be None. Only clinicians of the kinds the service allows, only
    while the location is open. With `patient`, only times that keep the patient in one
    place and keep the clinic's dose spacing. A handful of queries whatever the number
    of days."""
    return slot_search(
        service=service,
        location=location,
        start=start,
        end=end,
        clinician=clinician,
        patient=patient,
    ).slots


def slot_search(
    *,
    service: Service,
    location: Location | None,
    start: dt.date,
    end: dt.date,
    clinician: User | None = None,
    patient: User | None = None,
) -> SlotSearch:
    """free_slots, and for each day that offers nothing the reason (closed, nobody who
    may deliver the service works, fully booked, dose spacing)."""
    from scheduling.models import SchedulingSettings

    days = [start + dt.timedelta(days=i) for i in range(max((end - start).days + 1, 0))]

    def nothing(reason: str) -> SlotSearch:
        return SlotSearch([], dict.fromkeys(days, reason))

    if end < start:
        return SlotSearch([], {})
    if not service.is_active:
        return nothing(f"{service} is not offered at the moment.")
    if not service.is_telehealth and (
        location is None or not service.locations.filter(pk=location.pk).exists()
    ):
        return nothing(f"{service} is not offered at {location}.")
    hours_qs = ClinicianHours.objects.filter(
        clinician__role=Role.CLINICIAN,
        clinician__is_active=True,
        clinician__clinician_kind__in=list(service.clinician_kinds),
    ).select_related("clinician")
    if service.is_telehealth:
        hours_qs = hours_qs.filter(location__isnull=True)
    else:
        hours_qs = hours_qs.filter(location=location)
    if clinician is not None:
        hours_qs = hours_qs.filter(clinician=clinician)
    hours_rows = list(hours_qs.order_by("clinician__full_name", "clinician_id", "starts"))
    if not hours_rows:
        return nothing(
            f"No clinician who may deliver {service} "
            f"({service.clinician_kinds_display}) works there."
        )
    clinicians = {row.clinician_id: row.clinician for row in hours_rows}

    rooms: dict[int, Room] | None = None
    opening: LocationOpening | None = None
    if not service.is_telehealth:
        rooms = {
            room.pk: room
            for room in Room.objects.filter(
                location=location, kind=service.room_kind, is_active=True
            ).select_related("location")
        }
        if not rooms:
            return nothing(f"{location} has no {service.get_room_kind_display().lower()}.")
        opening = location_opening(location=location)

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

    tz = timezone.get_current_timezone()
    clinic = SchedulingSettings.load()
    step = dt.timedelta(minutes=clinic.slot_step_minutes or 15)
    work = [WorkBlock(row.clinician_id, row.weekday, row.starts, row.ends) for row in hours_rows]
    core = find_slots(
        days=days,
        tz=tz,
        hours=work,
        rooms=None if rooms is None else list(rooms),
        busy_by_clinician=busy_by_clinician,
        busy_by_room=busy_by_room,
        duration=service.duration,
        buffer_before=service.buffer_before,
        buffer_after=service.buffer_after,
        step=step,
        not_before=timezone.now(),
        busy_for_patient=busy_for_patient,
        opening=None if opening is None else opening.weekly,
    )
    notes: dict[dt.date, str] = {}
    offered_days = {slot.starts_at.date() for slot in core}
    for day in days:
        if day in offered_days:
            continue
        closed = opening.closed_reason(day) if opening is not None else ""
        if closed:
            notes[day] = closed
        elif not clip_to_opening(work, None if opening is None else opening.weekly, day.weekday()):
            notes[day] = f"Nobody who may deliver {service} works there on {day:%A}s."
        else:
            notes[day] = "No free time: clinicians, rooms or the patient's other visits."

    if patient is not None and service.modality and core:
        rules = spacing_rules()
        if service.modality in rules:
            reach = widest_gap(rules)
            doses = patient_doses(patient=patient, start=first - reach, end=last + reach)
            limit = clinic.max_dissociative_doses_per_day
            kept = []
            for slot in core:
                found = spacing_clash(
                    candidate=Dose(slot.starts_at, service.modality),
                    others=doses,
                    rules=rules,
                    max_dissociative_per_day=limit,
                    tz=tz,
                )
                if found is None:
                    kept.append(slot)
                else:
                    notes.setdefault(slot.starts_at.date(), spacing_message(found))
            kept_days = {slot.starts_at.date() for slot in kept}
            notes = {d: n for d, n in notes.items() if d not in kept_days}
            core = kept

    slots = [
        Slot(
            slot.starts_at,
            slot.ends_at,
            clinicians[slot.clinician],
            None if rooms is None else rooms[slot.room],
        )
        for slot in core
    ]
    return SlotSearch(slots, dict(sorted(notes.items())))


def spacing_message(clash: SpacingClash) -> str:
    """A spacing refusal naming the clashing visit by its time and place."""
    other = clash.other.key
    if isinstance(other, Appointment):
        visit = (
            f"{format_day(other.starts_at)}, "
            f"{format_time_range(other.starts_at, other.ends_at)} ({other.where})"
        )
    else:
        visit = format_when(clash.other.starts_at)
    if clash.why == "per_day":
        return (
            f"The patient already has a dose that day: {visit}. The clinic allows "
            f"{clash.per_day} dissociative dose(s) per patient per day."
        )
    hours = int(clash.min_gap / dt.timedelta(hours=1))
    label = dict(Modality.choices).get(clash.other.modality, clash.other.modality)
    return (
        f"Too close to the patient's other {label} dose, {visit}: the clinic keeps "
        f"these at least {hours} hours apart."
    )


# --- the front desk -----------------------------------------------------------------------


QUEUE_PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueChoices:
    """The clinic's locations and services, for the queue's filters and its rows' names.
    Two narrow reads of clinic data (no patient data)."""

    location_names: dict[int, str]
    active_locations: tuple[tuple[int, str], ...]
    services: tuple[tuple[int, str], ...]

    @property
    def service_names(self) -> dict[int, str]:
        return dict(self.services)


def _read_queue_choices() -> QueueChoices:
    locations = list(Location.objects.order_by("name").values_list("id", "name", "is_active"))
    return QueueChoices(
        location_names={pk: name for pk, name, _active in locations},
        active_locations=tuple((pk, name) for pk, name, active in locations if active),
        services=tuple(Service.objects.order_by("name").values_list("id", "name")),
    )


# Clinic data, the same for every request: kept in the process (portal.clinic_data).
queue_choices = ClinicDataCache(_read_queue_choices, models=(Location, Service))


def _read_active_locations() -> tuple[tuple[int, str], ...]:
    return tuple(Location.objects.filter(is_active=True).order_by("name").values_list("id", "name"))


active_locations = ClinicDataCache(_read_active_locations, models=(Location,))
"""The active locations by name, as (id, name): the day view's picker and default."""


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue: rows `start`..`end` of `total` (1-based)."""

    rows: list[dict[str, Any]]
    number: int
    start: int
    end: int
    total: int
    has_previous: bool
    has_next: bool


# The queue's page and its counts, the front desk's busiest reads, in plain SQL and
# prepared (portal/sql.py): the ORM spent longer building them than PostgreSQL running
# them. A filter left empty ('' status, NULL location or service) matches every row. The
# queue shows whether a request moves a visit (reschedule_of_id), never the visit: no join
# to appointments. Oldest first: the one waiting longest comes first.
_QUEUE_PAGE = PreparedQuery(
    "scheduling_request_queue",
    """
SELECT r.id, r.created_at, r.status, r.service_id, r.preferred_location_id,
       r.reschedule_of_id, r.preferred_date_1, r.preferred_time_1, r.preferred_date_2,
       r.preferred_time_2, r.preferred_date_3, r.preferred_time_3, r.payer_kind, r.plan_name,
       u.role, u.email, u.full_name, pp.id, pp.preferred_name, pp.legal_name
FROM scheduling_appointmentrequest r
JOIN portal_user u ON u.id = r.patient_id
LEFT JOIN portal_patientprofile pp ON pp.user_id = u.id
WHERE (%(status)s = '' OR r.status = %(status)s)
  AND (%(location)s::bigint IS NULL OR r.preferred_location_id = %(location)s::bigint)
  AND (%(service)s::bigint IS NULL OR r.service_id = %(service)s::bigint)
ORDER BY r.created_at, r.id
LIMIT %(limit)s OFFSET %(offset)s
""",
)
_QUEUE_COUNTS = PreparedQuery(
    "scheduling_request_counts",
    """
SELECT status, preferred_location_id, service_id, count(*)
FROM scheduling_appointmentrequest
GROUP BY status, preferred_location_id, service_id
""",
)


def request_queue_page(
    *,
    status: str = AppointmentRequest.Status.PENDING,
    location_id: int | None = None,
    service_id: int | None = None,
    page: int = 1,
    total: int,
    choices: QueueChoices,
    size: int = QUEUE_PAGE_SIZE,
) -> QueuePage:
    """Requests oldest first (the one waiting longest comes first), one page of `size`
    as display rows. `total` (from request_queue_counts) keeps the page in range; one
    extra row is read to know whether another page follows. One query: the request with
    its patient's name columns (service and location names come from `choices`)."""
    last_page = max(1, -(-total // size))
    number = min(max(page, 1), last_page)
    offset = (number - 1) * size
    found = _QUEUE_PAGE.fetchall(
        {
            "status": status or "",
            "location": location_id,
            "service": service_id,
            "limit": size + 1,
            "offset": offset,
        }
    )
    statuses = dict(AppointmentRequest.Status.choices)
    services = choices.service_names
    tz = timezone.get_current_timezone()
    rows = []
    for (
        pk,
        created_at,
        status_,
        service_id_,
        location_id_,
        reschedule_of_id,
        date_1,
        time_1,
        date_2,
        time_2,
        date_3,
        time_3,
        payer_kind,
        plan_name,
        *patient_columns,  # person_name_sql's, in its order
    ) in found[:size]:
        windows = [
            (day, time)
            for day, time in ((date_1, time_1), (date_2, time_2), (date_3, time_3))
            if day is not None
        ]
        patient = name_from_columns(*patient_columns)
        rows.append(
            {
                "pk": pk,
                "sent": created_at.astimezone(tz).strftime("%-d %b %H:%M"),
                "patient": patient,
                "is_move": reschedule_of_id is not None,
                "visit": services.get(service_id_, ""),
                "location": choices.location_names.get(location_id_, "")
                if location_id_
                else "Telehealth",
                "preferred": "; ".join(windows_display(windows)),
                "payer": payer_display(payer_kind, plan_name),
                "status": statuses.get(status_, status_),
                "is_pending": status_ == AppointmentRequest.Status.PENDING,
            }
        )
    return QueuePage(
        rows=rows,
        number=number,
        start=offset + 1 if rows else 0,
        end=offset + len(rows),
        total=max(total, offset + len(rows)),
        has_previous=number > 1,
        has_next=len(found) > size,
    )


def location_names() -> dict[int, str]:
    """Every location's name by id (clinic data), for counts read without a join."""
    return dict(Location.objects.values_list("id", "name"))


def request_queue_counts(*, location_names: dict[int, str]) -> dict[str, Any]:
    """How many requests wait, in total, by location (named from `location_names`,
    telehealth last) and by status, and per (status, location, service) for the
    queue's filtered totals: one query."""
    by_status: dict[str, int] = {}
    pending_by_location: dict[int | None, int] = {}
    groups: list[tuple[str, int | None, int, int]] = []
    for status, location_id, service_id, n in _QUEUE_COUNTS.fetchall():
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


@dataclass
class RoomColumn:
    room_id: int | None
    label: str
    kind: str
    appointments: list[dict[str, Any]] = field(default_factory=list)


# Identity equality: a DayView is shared (see _arrange_day), and a presenter may key its
# own drawing of one on the object.
@dataclass(frozen=True, eq=False)
class DayView:
    """A location's rooms against the hours of one day, ready to draw
    (scheduling.presenters.day_grid): each row is an hour label and its cells; a
    cell is (empty_rooms, entries): a run of that many empty rooms, or (0, one room's
    entries), each (starts_here, appointment): the visit in full in the hour it starts,
    "busy" in the hours it runs on."""

    location_id: int
    location_name: str
    day: dt.date
    columns: list[RoomColumn]
    rows: list[tuple[str, list[tuple[int, list[tuple[bool, dict[str, Any]]]]]]]
    appointments: list[dict[str, Any]]


_CARD = "mb-1 p-1 border rounded"
_STRUCK_CARD = f"{_CARD} text-muted text-decoration-line-through"


# A location's visits on one day with what their cards print: the service, the clinician's
# and the patient's names (display_name_from's columns). Written as SQL because the ORM
# spends about 1 ms of Python compiling this five-table join, three times what running it
# costs; the desk keeps this page open all day.
# The names are looked up per visit (by primary key) in subqueries that OFFSET 0 keeps
# PostgreSQL from flattening into a five-table join: planning that join took 0.7 ms on
# every request, twice its execution, and its generic plan (hash joins over whole tables)
# ran ten times slower. This shape has one good plan, an index scan of the day's visits,
# and plans in 0.2 ms.
_DAY_APPOINTMENTS_SQL = f"""
SELECT a.id, a.starts_at, a.ends_at, a.status, a.room_id,
       (SELECT name FROM scheduling_service WHERE id = a.service_id),
       cu.full_name, cu.email,
       pu.role, pu.email, pu.full_name, pu.profile_id, pu.preferred_name, pu.legal_name
FROM scheduling_appointment a
CROSS JOIN LATERAL (
    SELECT full_name, email FROM portal_user WHERE id = a.clinician_id OFFSET 0
) cu
CROSS JOIN LATERAL {person_name_sql("a.patient_id")} pu
WHERE a.location_id = %(location)s AND a.starts_at >= %(from)s AND a.starts_at < %(to)s
ORDER BY a.starts_at, a.id
"""  # noqa: S608 (composed at import from constants; values go in as parameters)
_DAY_APPOINTMENTS = PreparedQuery("scheduling_day_appointments", _DAY_APPOINTMENTS_SQL)


def _read_rooms(location_id: int) -> tuple[tuple[int, str, str], ...]:
    """A location's active rooms as (id, name, kind label), chairs and rooms by kind."""
    room_kinds = dict(RoomKind.choices)
    return tuple(
        (pk, name, room_kinds.get(kind, kind))
        for pk, name, kind in Room.objects.filter(location_id=location_id, is_active=True)
        .order_by("kind", "name")
        .values_list("id", "name", "kind")
    )


_rooms = ClinicDataCache(_read_rooms, models=(Room,))


# Read once, not per visit: the day view's loop runs for every visit on the grid.
_STATUS_LABELS = dict(Appointment.Status.choices)
_STRUCK_STATUSES = frozenset({Appointment.Status.CANCELLED.value, Appointment.Status.NO_SHOW.value})


def day_view(*, location_id: int, location_name: str, day: dt.date) -> DayView:
    """Rooms and chairs of a location against the hours of one day. Two queries: the
    rooms, and the day's appointments (_DAY_APPOINTMENTS_SQL) as display rows.

    The returned DayView is shared between requests: read it, never change it."""
    first, last = _day_bounds(day, day)
    found = _DAY_APPOINTMENTS.fetchall({"location": location_id, "from": first, "to": last})
    return _arrange_day(
        location_id,
        location_name,
        day,
        _rooms(location_id),
        tuple(found),
        timezone.get_current_timezone(),
    )


# The desk keeps the day view open all day and reloads it, several people at a time; between
# changes every reload reads the same rows and would arrange them the same way again
# (arranging and drawing them was about a fifth of the page's cost under load). Keyed on
# everything the arrangement is made from, including every column of every row just read,
# it cannot go stale: a changed visit, name, room or service is a different key. 32
# days-and-locations per process, a few MB at most.
@lru_cache(maxsize=32)
def _arrange_day(
    location_id: int,
    location_name: str,
    day: dt.date,
    rooms: tuple[tuple[int, str, str], ...],
    found: tuple[tuple[Any, ...], ...],
    tz: dt.tzinfo,
) -> DayView:
    columns = [RoomColumn(room_id=pk, label=name, kind=kind) for pk, name, kind in rooms]
    statuses = _STATUS_LABELS
    appointments = []
    for (
        pk,
        starts_at,
        ends_at,
        status,
        room_id,
        service_name,
        clinician_name,
        clinician_email,
        *patient_columns,  # person_name_sql's, in its order
    ) in found:
        starts, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
        patient = name_from_columns(*patient_columns)
        # Only clinicians are booked as clinicians: their name is full name or email.
        clinician = clinician_name or clinician_email
        struck = status in _STRUCK_STATUSES
        appointments.append(
            {
                "pk": pk,
                "starts_at": starts,
                "ends_at": ends,
                "room_id": room_id,
                "status": status,
                "is_live": status in LIVE_STATUSES,
                # What the card shows, as strings (escaped where they are drawn).
                "headline": (
                    f"{starts.hour:02d}:{starts.minute:02d}-{ends.hour:02d}:{ends.minute:02d}"
                    f" {patient}"
                ),
                "detail": f"{service_name} · {clinician}",
                "status_label": statuses.get(status, status),
                "card_class": _STRUCK_CARD if struck else _CARD,
                "busy": f"busy · {patient}",
            }
        )
    by_room = {column.room_id: column for column in columns}
    elsewhere = RoomColumn(room_id=None, label="No room", kind="")
    for appointment in appointments:
        by_room.get(appointment["room_id"], elsewhere).appointments.append(appointment)
    if elsewhere.appointments:
        columns.append(elsewhere)
    placed = [
        (index, appointment)
        for index, column in enumerate(columns)
        for appointment in column.appointments
    ]
    earliest = min([7] + [a["starts_at"].hour for a in appointments])
    latest = max([19] + [a["ends_at"].hour for a in appointments])
    hours = {
        h: dt.datetime.combine(day, dt.time(h), tzinfo=tz) for h in range(earliest, latest + 1)
    }
    # A visit shows in full in the hour it starts and, while live, as "busy" in the later
    # hours it runs into: by hour, then by column, in the columns' order.
    by_hour: dict[int, dict[int, list[tuple[bool, dict[str, Any]]]]] = {h: {} for h in hours}
    for index, a in placed:
        first_hour = a["starts_at"].hour
        for h in range(first_hour, latest + 1):
            if a["ends_at"] <= hours[h] or (h > first_hour and not a["is_live"]):
                break
            by_hour[h].setdefault(index, []).append((h == first_hour, a))
    rows = []
    for h, by_column in by_hour.items():
        # Rooms with nothing this hour are drawn as runs of empty cells.
        cells: list[tuple[int, list[tuple[bool, dict[str, Any]]]]] = []
        done = 0
        for index in sorted(by_column):
            if index > done:
                cells.append((index - done, []))
            cells.append((0, by_column[index]))
            done = index + 1
        if len(columns) > done:
            cells.append((len(columns) - done, []))
        rows.append((f"{h:02d}:00", cells))
    return DayView(
        location_id=location_id,
        location_name=location_name,
        day=day,
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


# The patient's next scheduled visits (when, and where by name) and, on every row, how many
# of their requests wait for the office: one query for the home panel, with one row even
# when no visit is booked. Plain SQL because the ORM has no LEFT JOIN LATERAL, which puts
# the count and the visits in one statement.
_PATIENT_PANEL_SQL = """
SELECT waiting.n, a.starts_at, l.name
FROM (
    SELECT count(*) AS n FROM scheduling_appointmentrequest
    WHERE patient_id = %(patient)s AND status = %(pending)s
) waiting
LEFT JOIN LATERAL (
    SELECT starts_at, location_id FROM scheduling_appointment
    WHERE patient_id = %(patient)s AND status = %(scheduled)s AND starts_at >= %(now)s
    ORDER BY starts_at
    LIMIT %(limit)s
) a ON true
LEFT JOIN portal_location l ON l.id = a.location_id
ORDER BY a.starts_at
"""
_PATIENT_PANEL = PreparedQuery("scheduling_patient_panel", _PATIENT_PANEL_SQL)


def patient_panel(*, patient: User, limit: int = 3) -> dict[str, Any]:
    """The patient's home panel: their next `limit` scheduled visits as display rows,
    when (clinic time) and where, and how many of their requests are pending. One query."""
    found = _PATIENT_PANEL.fetchall(
        {
            "patient": patient.pk,
            "pending": AppointmentRequest.Status.PENDING,
            "scheduled": Appointment.Status.SCHEDULED,
            "now": timezone.now(),
            "limit": limit,
        }
    )
    tz = timezone.get_current_timezone()
    return {
        "upcoming": [
            {
                "when": starts_at.astimezone(tz).strftime("%a %-d %b, %H:%M"),
                "where": location_name or "Telehealth (video)",
            }
            for _n, starts_at, location_name in found
            if starts_at is not None
        ],
        "pending_requests": found[0][0],
    }
