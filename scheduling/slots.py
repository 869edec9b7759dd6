"""The slot finder's core, pure: weekly hours, busy times and a service's length in;
the free (time, clinician, room) combinations out. No database, no request.

A visit blocks its own time plus the service's buffers before and after (vitals before an
infusion, cleaning the chair after). A slot is free when that blocked time overlaps
nothing already blocked for the clinician or the room; the visit itself must fall inside
the clinician's hours. The database's exclusion constraints use the same definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician: Any
    room: Any  # None for telehealth


@dataclass(frozen=True)
class WorkBlock:
    """A clinician's weekly hours: weekday 0 = Monday, times in the clinic's zone."""

    clinician: Hashable
    weekday: int
    starts: dt.time
    ends: dt.time


def overlaps(a: Interval, b: Interval) -> bool:
    """Half-open intervals [start, end) overlap: one visit may start as another ends."""
    return a[0] < b[1] and b[0] < a[1]


def blocked_interval(
    starts_at: dt.datetime,
    duration: dt.timedelta,
    buffer_before: dt.timedelta,
    buffer_after: dt.timedelta,
) -> Interval:
    return (starts_at - buffer_before, starts_at + duration + buffer_after)


def _free(interval: Interval, busy: Iterable[Interval]) -> bool:
    return not any(overlaps(interval, other) for other in busy)


def clip_to_opening(
    hours: Sequence[WorkBlock],
    opening: Mapping[int, Sequence[tuple[dt.time, dt.time]]] | None,
    weekday: int,
) -> list[WorkBlock]:
    """A weekday's work blocks cut to the location's opening hours (None: uncut)."""
    blocks = [b for b in hours if b.weekday == weekday]
    if opening is None:
        return blocks
    clipped = []
    for block in blocks:
        for opens, closes in opening.get(weekday, ()):
            starts, ends = max(block.starts, opens), min(block.ends, closes)
            if starts < ends:
                clipped.append(WorkBlock(block.clinician, weekday, starts, ends))
    return clipped


def find_slots(
    *,
    days: Sequence[dt.date],
    tz: dt.tzinfo,
    hours: Sequence[WorkBlock],
    rooms: Sequence[Hashable] | None,
    busy_by_clinician: Mapping[Hashable, Sequence[Interval]],
    busy_by_room: Mapping[Hashable, Sequence[Interval]],
    duration: dt.timedelta,
    buffer_before: dt.timedelta = dt.timedelta(0),
    buffer_after: dt.timedelta = dt.timedelta(0),
    step: dt.timedelta = dt.timedelta(minutes=15),
    not_before: dt.datetime | None = None,
    busy_for_patient: Sequence[Interval] = (),
    opening: Mapping[int, Sequence[tuple[dt.time, dt.time]]] | None = None,
) -> list[Slot]:
    """Every free (start, clinician, room) on `days`, in time order.

    `rooms=None` means the service needs no room (telehealth): slots carry room None.
    An empty `rooms` list means no suitable room exists: no slots.
    `busy_for_patient` is the patient's own visits: a time overlapping one is never free.
    `opening` is the location's weekly opening hours by weekday (None: not limited): a
    visit lies wholly inside one of its day's blocks, and a weekday without one offers
    nothing.
    """
    if duration <= dt.timedelta(0) or step <= dt.timedelta(0):
        return []
    room_choices: Sequence[Hashable | None] = [None] if rooms is None else rooms
    slots: list[Slot] = []
    for day in days:
        for block in clip_to_opening(hours, opening, day.weekday()):
            start = dt.datetime.combine(day, block.starts, tzinfo=tz)
            end = dt.datetime.combine(day, block.ends, tzinfo=tz)
            t = start
            while t + duration <= end:
                if not_before is None or t >= not_before:
                    blocked = blocked_interval(t, duration, buffer_before, buffer_after)
                    if _free(blocked, busy_by_clinician.get(block.clinician, ())) and _free(
                        blocked, busy_for_patient
                    ):
                        for room in room_choices:
                            if room is None or _free(blocked, busy_by_room.get(room, ())):
                                slots.append(Slot(t, t + duration, block.clinician, room))
                t += step
    slots.sort(key=lambda s: s.starts_at)  # stable: hours and rooms keep their order
    return slots
