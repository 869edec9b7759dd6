"""The reads scheduling's pages need, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from intake.modalities import Modality
from portal.formats import format_day, format_time_range, format_when
from portal.identity import PatientIdentity, identity_of
from portal.models import PERSON_FIELDS, Location, Role, User, person_name
from portal.pagination import CountedPaginator
from scheduling import hooks
from scheduling.models import (
    LIVE_STATUSES,
    TELEHEALTH_PLACE,
    Appointment,
    AppointmentRequest,
    ClinicianHours,
    Room,
    RoomKind,
    SchedulingSettings,
    Service,
)
from scheduling.slot_picker import Offer
from scheduling.slots import Interval, Slot, WorkBlock, clip_to_opening, find_slots
from scheduling.spacing import Dose, SpacingClash, SpacingRule, spacing_clash, widest_gap
from scheduling.telehealth import join_is_open

__all__ = [
    "DayView",
    "Slot",
    "active_locations",
    "alternative_offers",
    "appointments_for_patient",
    "day_view",
    "free_slots",
    "location_names",
    "location_opening",
    "patient_doses",
    "patient_panel",
    "person_name",
    "queue_locations",
    "request_queue",
    "request_queue_counts",
    "request_queue_page",
    "request_queue_total",
    "requests_for_patient",
    "service_choices",
    "slot_offers",
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


def slot_offers(slots: list[Slot]) -> list[Offer]:
    """The slot finder's slots as the picker's plain offers, in clinic time (rooms come
    with their location: no query)."""
    tz = timezone.get_current_timezone()
    return [
        Offer(
            starts_at=slot.starts_at.astimezone(tz),
            ends_at=slot.ends_at.astimezone(tz),
            clinician_id=slot.clinician.pk,
            clinician_name=str(slot.clinician),
            room_id=None if slot.room is None else slot.room.pk,
            room_name="Telehealth" if slot.room is None else slot.room.name,
            location_id=None if slot.room is None else slot.room.location_id,
            location_name=str(TELEHEALTH_PLACE) if slot.room is None else slot.room.location.name,
        )
        for slot in slots
    ]


def alternative_offers(
    *, service: Service, patient: User | None, start: dt.date, end: dt.date
) -> list[Offer]:
    """Free times from `start` to `end` at every active location that offers `service`
    (a telehealth service: online), each kept to the same rules as any booking. One
    query for the locations, then one slot search each: the count follows the clinic's
    number of locations, never the number of visits."""
    if service.is_telehealth:
        places: list[Location | None] = [None]
    else:
        places = list(service.locations.filter(is_active=True).order_by("name"))
    offers: list[Offer] = []
    for place in places:
        offers += slot_offers(
            slot_search(
                service=service, location=place, start=start, end=end, patient=patient
            ).slots
        )
    return offers


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
            # The desk calls the patient back: in their language.
            "patient__patient_profile__language",
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
    # What an app above says about the visit (treatments: escort and evening check).
    before_dose: Any = None


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
            "service__modality",
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
    found = list(found)
    # The status names once a request (get_status_display builds the choices' dict and
    # translates for every row).
    status_labels = {value: str(label) for value, label in Appointment.Status.choices}
    notes = hooks.day_visit_notes(
        [(a.pk, a.patient_id, a.service.modality) for a in found if a.service.modality]
    )
    for appointment in found:
        visit = DayVisit(
            pk=appointment.pk,
            starts_at=appointment.starts_at.astimezone(tz),
            ends_at=appointment.ends_at.astimezone(tz),
            status=appointment.status,
            status_label=status_labels.get(appointment.status, appointment.status),
            is_live=appointment.status in LIVE_STATUSES,
            patient=appointment.patient.display_name,
            service=appointment.service.name,
            clinician=appointment.clinician.display_name,
            actions=tuple(actions.get(appointment.status, ())),
            identity=identity_of(appointment.patient, today=today),
            before_dose=notes.get(appointment.pk),
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
    appointment_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    where: str
    join_open: bool = False


def patient_panel(*, patient: User, limit: int = 3) -> dict[str, Any]:
    """The patient's home panel: their next `limit` visits (one under way included, so a
    video visit's Join button shows), when and where, and how many of their requests are
    pending. One query: the patient's row, joined to their visits still to come or under
    way (one row with none when no visit is booked), with the count of waiting requests
    beside it; a second reads the join window's minutes only when a visit has a link."""
    now = timezone.now()
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
                    appointments__status__in=[
                        Appointment.Status.SCHEDULED,
                        Appointment.Status.CHECKED_IN,
                    ],
                    appointments__ends_at__gte=now,
                ),
            ),
            waiting=Coalesce(Subquery(waiting), 0),
        )
        .values_list(
            "waiting",
            "upcoming__pk",
            "upcoming__starts_at",
            "upcoming__ends_at",
            "upcoming__location__name",
            "upcoming__video_link",
        )
        .order_by("upcoming__starts_at")[:limit]
    )
    rows = list(found)
    minutes = telehealth_join_minutes() if any(row[5] for row in rows) else 0
    return {
        "upcoming": [
            UpcomingVisit(
                appointment_id=pk,
                starts_at=starts_at,
                ends_at=ends_at,
                where=location_name or str(TELEHEALTH_PLACE),
                join_open=bool(link)
                and join_is_open(
                    starts_at=starts_at, ends_at=ends_at, now=now, minutes_before=minutes
                ),
            )
            for _n, pk, starts_at, ends_at, location_name, link in rows
            if starts_at is not None
        ],
        "pending_requests": rows[0][0] if rows else 0,
    }


def telehealth_join_minutes() -> int:
    return SchedulingSettings.load().telehealth_join_minutes_before


def telehealth_visits(*, since: dt.datetime, days: int = 14) -> QuerySet[Appointment]:
    """Telehealth visits still to happen in the next `days` (one under way included),
    soonest first, with who and with whom: the staff list that attaches video links."""
    return (
        Appointment.objects.filter(
            service__room_kind=RoomKind.TELEHEALTH,
            status__in=[Appointment.Status.SCHEDULED, Appointment.Status.CHECKED_IN],
            ends_at__gte=since,
            starts_at__lt=since + dt.timedelta(days=days),
        )
        .select_related("service", "clinician", "patient", "patient__patient_profile")
        .order_by("starts_at", "id")
    )
