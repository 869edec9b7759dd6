"""The waitlist's rules, on plain values: whose wish a freed slot fits, who of them may
be offered it, how long an offer stays open, and when a claim is refused.

No database here: the services gather the facts (each waiting patient's eligibility,
other visits and doses) and ask these functions; tests/scheduling/test_waitlist_rules.py
walks every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scheduling.slot_picker import DAY_PARTS
from scheduling.spacing import Dose, SpacingRule, spacing_clash

ANY_PART = "any"
# The parts of a day a patient may wish for, as local clock times [start, end): the slot
# picker's hours, which the request form names (scheduling.models.DayPart's labels).
# "any" is no wish at all, so it is not among them.
DAY_PART_HOURS: dict[str, tuple[dt.time, dt.time]] = {
    part: hours for part, hours in DAY_PARTS.items() if part != ANY_PART
}


@dataclass(frozen=True)
class FreedSlot:
    """A visit's time that a cancellation freed: what it is for, where and when."""

    service_id: int
    location_id: int | None  # None: a video visit
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Wish:
    """One waitlist entry: a patient waits for a service at some locations, between two
    days, on some weekdays (none: any) and parts of the day (none or "any": any)."""

    entry_id: int
    patient_id: int
    service_id: int
    location_ids: frozenset[int]
    earliest: dt.date
    latest: dt.date
    weekdays: frozenset[int] = frozenset()
    day_parts: frozenset[str] = frozenset()
    joined_at: dt.datetime | None = None


@dataclass(frozen=True)
class PatientFacts:
    """What the services know about one waiting patient at the freed time."""

    eligible: bool = True  # may book the service now (intake gate, consents)
    busy: bool = False  # already in another live visit that overlaps the freed one
    doses: tuple[Dose, ...] = field(default_factory=tuple)  # live doses near the slot


def in_day_part(local_start: dt.datetime, parts: frozenset[str]) -> bool:
    if not parts or ANY_PART in parts:
        return True
    clock = local_start.time()
    return any(
        DAY_PART_HOURS[p][0] <= clock < DAY_PART_HOURS[p][1] for p in parts if p in DAY_PART_HOURS
    )


def wish_fits(wish: Wish, slot: FreedSlot, tz: dt.tzinfo) -> bool:
    """Does the freed slot match what the patient asked to wait for?"""
    if wish.service_id != slot.service_id:
        return False
    # A video visit is at no location: any wish for the service fits where it is held.
    if slot.location_id is not None and slot.location_id not in wish.location_ids:
        return False
    local = slot.starts_at.astimezone(tz)
    if not wish.earliest <= local.date() <= wish.latest:
        return False
    if wish.weekdays and local.weekday() not in wish.weekdays:
        return False
    return in_day_part(local, wish.day_parts)


def who_fits(
    *,
    wishes: Iterable[Wish],
    slot: FreedSlot,
    facts: Mapping[int, PatientFacts],
    modality: str,
    rules: Mapping[str, SpacingRule],
    max_dissociative_per_day: int,
    tz: dt.tzinfo,
    limit: int,
    exclude_patient_ids: frozenset[int] = frozenset(),
) -> list[Wish]:
    """The wishes to offer the slot to, first joined first, one per patient, at most
    `limit`: the wish fits, the patient may book the service, is in no other visit then,
    and a dose then keeps the clinic's spacing. A patient without facts is left out (the
    services found nothing to say they may book)."""
    chosen: list[Wish] = []
    seen: set[int] = set(exclude_patient_ids)
    ordered = sorted(wishes, key=lambda w: (w.joined_at is None, w.joined_at, w.entry_id))
    for wish in ordered:
        if len(chosen) >= limit:
            break
        if wish.patient_id in seen or not wish_fits(wish, slot, tz):
            continue
        fact = facts.get(wish.patient_id)
        if fact is None or not fact.eligible or fact.busy:
            continue
        if modality and modality in rules:
            clash = spacing_clash(
                candidate=Dose(slot.starts_at, modality),
                others=fact.doses,
                rules=rules,
                max_dissociative_per_day=max_dissociative_per_day,
                tz=tz,
            )
            if clash is not None:
                continue
        seen.add(wish.patient_id)
        chosen.append(wish)
    return chosen


def offer_expires_at(
    *, offered_at: dt.datetime, open_minutes: int, slot_starts_at: dt.datetime
) -> dt.datetime:
    """An offer stays open for the clinic's minutes, never past the visit's start."""
    return min(offered_at + dt.timedelta(minutes=max(open_minutes, 1)), slot_starts_at)


def worth_offering(*, slot_starts_at: dt.datetime, now: dt.datetime, notice_minutes: int) -> bool:
    """A freed time is offered only while there is time to claim it and come."""
    return slot_starts_at - now >= dt.timedelta(minutes=notice_minutes)


# Why a claim is refused (None: it may go on to the booking rules).
GONE = "gone"
EXPIRED = "expired"


def claim_refusal(
    *,
    offer_status: str,
    expires_at: dt.datetime,
    slot_open: bool,
    now: dt.datetime,
    entry_active: bool = True,
) -> str | None:
    """`GONE` when the slot went to someone else (or was withdrawn), this offer is no
    longer open, or the patient's wish is over (they booked one of their other offers, or
    left the waitlist); `EXPIRED` when its time ran out; None when it may be claimed."""
    if offer_status == "expired":
        return EXPIRED
    if offer_status != "offered" or not slot_open or not entry_active:
        return GONE
    if now >= expires_at:
        return EXPIRED
    return None
