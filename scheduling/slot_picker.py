"""The slot picker's ranking and grouping, pure: free times in, what the desk sees out.

The rule-aware slot search (scheduling.selectors.slot_search) decides which times are
free at all (hours, opening, rooms, one place, dose spacing). This module only orders
and groups them for a person choosing one:

- the times that fit the request (a preferred day, inside its part of day) come first,
  by the patient's order of preference, and are marked;
- then every other time, grouped by day, in time order;
- one button per (time, clinician): the first free room is offered, and the desk
  filters by room to take another;
- when nothing fits, the nearest times at every location that offers the service,
  a few per location, named by location.

No database, no request: plain values in, plain values out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Window = tuple[dt.date, str]

# The hours each part of day stands for: what the request form promises the patient in
# the labels of scheduling.models.DayPart ("Morning (8 am - 12 pm)", ...). A time fits a
# part when it starts inside it.
DAY_PARTS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(8), dt.time(12)),
    "afternoon": (dt.time(12), dt.time(16)),
    "evening": (dt.time(16), dt.time(19)),
    "any": (dt.time.min, dt.time.max),
}

ALTERNATIVES_PER_LOCATION = 3


@dataclass(frozen=True)
class Offer:
    """One free time as the picker sees it. `starts_at` is in clinic time."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician_id: int
    clinician_name: str
    room_id: int | None
    room_name: str
    location_id: int | None
    location_name: str


@dataclass(frozen=True)
class Option:
    value: str
    offer: Offer
    fits: bool


@dataclass(frozen=True)
class DayGroup:
    """The options of one day: those that fit one of the request's windows (`window`
    names its part of day), or the day's other times (`window` is "")."""

    day: dt.date
    fits: bool
    window: str
    window_label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class LocationGroup:
    location_id: int | None
    location_name: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Picker:
    groups: tuple[DayGroup, ...]
    # Who and where the unfiltered times offer, by name: the filters' choices.
    clinicians: tuple[tuple[int, str], ...]
    rooms: tuple[tuple[int, str], ...]
    total: int  # options after the filters
    fitting: int  # of which fit the request

    @property
    def first(self) -> Option | None:
        """The suggestion: the first option shown."""
        return self.groups[0].options[0] if self.groups else None


def window_index(starts_at: dt.datetime, windows: Sequence[Window]) -> int | None:
    """The first of `windows` (by the patient's order) that a time starting at
    `starts_at` (clinic time) fits; None when it fits none."""
    clock = starts_at.time().replace(tzinfo=None)
    for i, (day, part) in enumerate(windows):
        if starts_at.date() != day or part not in DAY_PARTS:
            continue
        begins, ends = DAY_PARTS[part]
        if begins <= clock < ends or (part == "any" and clock >= begins):
            return i
    return None


def distance(starts_at: dt.datetime, windows: Sequence[Window]) -> dt.timedelta:
    """How far a time lies from the nearest window: zero inside one, else the gap to
    its nearest edge. With no windows every time is equally near."""
    best: dt.timedelta | None = None
    for day, part in windows:
        begins, ends = DAY_PARTS.get(part, DAY_PARTS["any"])
        lo = dt.datetime.combine(day, begins, tzinfo=starts_at.tzinfo)
        hi = dt.datetime.combine(day, ends, tzinfo=starts_at.tzinfo)
        gap = lo - starts_at if starts_at < lo else max(starts_at - hi, dt.timedelta(0))
        best = gap if best is None else min(best, gap)
    return best if best is not None else dt.timedelta(0)


def _one_per_time_and_clinician(offers: Iterable[Offer]) -> list[Offer]:
    """Keep the first room for each (start, clinician, location): the input's room order
    is the preference."""
    seen: set[tuple[dt.datetime, int, int | None]] = set()
    kept = []
    for offer in offers:
        key = (offer.starts_at, offer.clinician_id, offer.location_id)
        if key not in seen:
            seen.add(key)
            kept.append(offer)
    return kept


def _choices(pairs: Iterable[tuple[int | None, str]]) -> tuple[tuple[int, str], ...]:
    named = {pk: name for pk, name in pairs if pk is not None}
    return tuple(sorted(named.items(), key=lambda item: (item[1], item[0])))


def build_picker(
    offers: Sequence[Offer],
    *,
    windows: Sequence[Window],
    value_of: Callable[[Offer], str],
    clinician_id: int | None = None,
    room_id: int | None = None,
    part_labels: Mapping[str, str] | None = None,
) -> Picker:
    """Group `offers` (in time order) for the picker: fitting times first, by the
    patient's order of preference, then every day's other times. `clinician_id` and
    `room_id` narrow the options; the filters' choices come from all offers.
    `part_labels` names the parts of day on the fitting groups."""
    part_labels = part_labels or {}
    clinicians = _choices((o.clinician_id, o.clinician_name) for o in offers)
    rooms = _choices((o.room_id, o.room_name) for o in offers)
    chosen = [
        o
        for o in offers
        if (clinician_id is None or o.clinician_id == clinician_id)
        and (room_id is None or o.room_id == room_id)
    ]
    chosen = sorted(_one_per_time_and_clinician(chosen), key=lambda o: o.starts_at)
    fitting: dict[tuple[int, dt.date], list[Option]] = {}
    others: dict[dt.date, list[Option]] = {}
    for offer in chosen:
        index = window_index(offer.starts_at, windows)
        if index is None:
            others.setdefault(offer.starts_at.date(), []).append(
                Option(value_of(offer), offer, fits=False)
            )
        else:
            fitting.setdefault((index, offer.starts_at.date()), []).append(
                Option(value_of(offer), offer, fits=True)
            )
    groups = [
        DayGroup(
            day=day,
            fits=True,
            window=windows[index][1],
            window_label=part_labels.get(windows[index][1], windows[index][1]),
            options=tuple(options),
        )
        for (index, day), options in sorted(fitting.items())
    ]
    groups += [
        DayGroup(day=day, fits=False, window="", window_label="", options=tuple(options))
        for day, options in sorted(others.items())
    ]
    return Picker(
        groups=tuple(groups),
        clinicians=clinicians,
        rooms=rooms,
        total=len(chosen),
        fitting=sum(len(options) for options in fitting.values()),
    )


def nearest_alternatives(
    offers: Sequence[Offer],
    *,
    windows: Sequence[Window],
    value_of: Callable[[Offer], str],
    per_location: int = ALTERNATIVES_PER_LOCATION,
) -> tuple[LocationGroup, ...]:
    """The `per_location` times nearest the request's windows at each location (one per
    time and clinician), shown in time order; the location with the nearest time comes
    first, ties by name."""
    by_location: dict[int | None, list[Offer]] = {}
    for offer in _one_per_time_and_clinician(offers):
        by_location.setdefault(offer.location_id, []).append(offer)

    def nearness(o: Offer) -> tuple[bool, dt.timedelta, dt.datetime]:
        # A time inside a window beats one just at its edge (distance zero too).
        return (
            window_index(o.starts_at, windows) is None,
            distance(o.starts_at, windows),
            o.starts_at,
        )

    ranked = []
    for location_id, found in by_location.items():
        nearest = sorted(found, key=nearness)[:per_location]
        best = nearness(nearest[0])[:2]
        group = LocationGroup(
            location_id=location_id,
            location_name=nearest[0].location_name,
            options=tuple(
                Option(
                    value_of(o),
                    o,
                    fits=window_index(o.starts_at, windows) is not None,
                )
                for o in sorted(nearest, key=lambda o: o.starts_at)
            ),
        )
        ranked.append((best, group.location_name, group))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(group for _best, _name, group in ranked)


def alternative_days(
    windows: Sequence[Window], *, today: dt.date, before: int = 3, after: int = 7
) -> tuple[dt.date, dt.date]:
    """The days to look for alternatives in: a few before the earliest window (never
    before today) to a week after the latest; from today for a week without windows."""
    if not windows:
        return today, today + dt.timedelta(days=after)
    days = [day for day, _part in windows]
    first = max(min(days) - dt.timedelta(days=before), today)
    last = max(max(days) + dt.timedelta(days=after), first)
    return first, last
