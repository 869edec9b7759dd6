"""The waitlist's rules on plain values (scheduling/waitlist.py): no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling import waitlist
from scheduling.spacing import Dose, SpacingRule
from scheduling.waitlist import FreedSlot, PatientFacts, Wish

TZ = ZoneInfo("America/Los_Angeles")
# Tue 3 Mar 2026, 10:00 Pacific.
TUESDAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=TZ)
SLOT = FreedSlot(
    service_id=1, location_id=7, starts_at=TUESDAY_10, ends_at=TUESDAY_10 + dt.timedelta(hours=1)
)
VIDEO_SLOT = FreedSlot(service_id=1, location_id=None, starts_at=TUESDAY_10, ends_at=SLOT.ends_at)


def wish(**changes: object) -> Wish:
    values: dict = {
        "entry_id": 1,
        "patient_id": 100,
        "service_id": 1,
        "location_ids": frozenset({7}),
        "earliest": dt.date(2026, 3, 1),
        "latest": dt.date(2026, 3, 31),
        "joined_at": dt.datetime(2026, 2, 1, tzinfo=TZ),
    }
    values.update(changes)
    return Wish(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fits"),
    [
        ({}, True),
        ({"service_id": 2}, False),
        ({"location_ids": frozenset({8})}, False),
        ({"location_ids": frozenset({7, 8})}, True),
        ({"location_ids": frozenset()}, False),
        ({"earliest": dt.date(2026, 3, 3)}, True),  # the first day counts
        ({"earliest": dt.date(2026, 3, 4)}, False),
        ({"latest": dt.date(2026, 3, 3)}, True),  # the last day counts
        ({"latest": dt.date(2026, 3, 2)}, False),
        ({"weekdays": frozenset({1})}, True),  # Tuesday
        ({"weekdays": frozenset({0, 2, 3, 4, 5, 6})}, False),
        ({"day_parts": frozenset({"morning"})}, True),
        ({"day_parts": frozenset({"afternoon"})}, False),
        ({"day_parts": frozenset({"afternoon", "morning"})}, True),
        ({"day_parts": frozenset({"any"})}, True),
        ({"day_parts": frozenset({"evening"})}, False),
    ],
)
def test_a_wish_fits_a_slot_by_service_place_day_weekday_and_part(changes, fits) -> None:
    assert waitlist.wish_fits(wish(**changes), SLOT, TZ) is fits


def test_a_video_slot_fits_any_wish_for_the_service_wherever_it_was_asked() -> None:
    assert waitlist.wish_fits(wish(location_ids=frozenset()), VIDEO_SLOT, TZ)
    assert not waitlist.wish_fits(wish(service_id=2), VIDEO_SLOT, TZ)


def test_the_day_is_the_clinics_day_not_utc() -> None:
    # 5:30 PM Pacific on 3 Mar is already 4 Mar in UTC.
    late = dt.datetime(2026, 3, 3, 17, 30, tzinfo=TZ)
    slot = FreedSlot(
        1, 7, late.astimezone(dt.UTC), (late + dt.timedelta(hours=1)).astimezone(dt.UTC)
    )
    assert waitlist.wish_fits(wish(latest=dt.date(2026, 3, 3)), slot, TZ)
    assert waitlist.wish_fits(wish(day_parts=frozenset({"evening"})), slot, TZ)


@pytest.mark.parametrize(
    ("clock", "part", "inside"),
    [
        (dt.time(8, 0), "morning", True),
        (dt.time(7, 59), "morning", False),
        (dt.time(11, 59), "morning", True),
        (dt.time(12, 0), "morning", False),
        (dt.time(12, 0), "afternoon", True),
        (dt.time(15, 59), "afternoon", True),
        (dt.time(16, 0), "afternoon", False),
        (dt.time(16, 0), "evening", True),
        (dt.time(18, 59), "evening", True),
        (dt.time(19, 0), "evening", False),
        (dt.time(6, 0), "any", True),
    ],
)
def test_day_part_edges(clock: dt.time, part: str, inside: bool) -> None:
    moment = dt.datetime.combine(dt.date(2026, 3, 3), clock, tzinfo=TZ)
    assert waitlist.in_day_part(moment, frozenset({part})) is inside


def test_no_day_part_means_any_time() -> None:
    assert waitlist.in_day_part(dt.datetime(2026, 3, 3, 6, tzinfo=TZ), frozenset())


def _who(wishes, facts, **kwargs):
    defaults = {
        "slot": SLOT,
        "modality": "",
        "rules": {},
        "max_dissociative_per_day": 1,
        "tz": TZ,
        "limit": 10,
    }
    defaults.update(kwargs)
    return [w.patient_id for w in waitlist.who_fits(wishes=wishes, facts=facts, **defaults)]


def test_who_fits_takes_eligible_free_patients_first_joined_first() -> None:
    early = wish(entry_id=2, patient_id=200, joined_at=dt.datetime(2026, 1, 1, tzinfo=TZ))
    late = wish(entry_id=1, patient_id=100, joined_at=dt.datetime(2026, 2, 1, tzinfo=TZ))
    facts = {100: PatientFacts(), 200: PatientFacts()}
    assert _who([late, early], facts) == [200, 100]


@pytest.mark.parametrize(
    ("fact", "offered"),
    [
        (PatientFacts(), True),
        (PatientFacts(eligible=False), False),  # not approved for the service (gate)
        (PatientFacts(busy=True), False),  # in another visit then
        (None, False),  # nothing known: not offered
    ],
)
def test_who_fits_leaves_out_the_ineligible_and_the_busy(fact, offered) -> None:
    facts = {} if fact is None else {100: fact}
    assert _who([wish()], facts) == ([100] if offered else [])


def test_who_fits_leaves_out_a_wish_that_does_not_fit() -> None:
    assert _who([wish(location_ids=frozenset({8}))], {100: PatientFacts()}) == []


def test_who_fits_offers_once_per_patient_and_stops_at_the_limit() -> None:
    wishes = [wish(entry_id=n, patient_id=100 + n % 3) for n in range(6)]
    facts = {100: PatientFacts(), 101: PatientFacts(), 102: PatientFacts()}
    assert sorted(_who(wishes, facts)) == [100, 101, 102]
    assert len(_who(wishes, facts, limit=2)) == 2
    assert _who(wishes, facts, limit=0) == []


def test_who_fits_leaves_out_excluded_patients() -> None:
    assert _who([wish()], {100: PatientFacts()}, exclude_patient_ids=frozenset({100})) == []


RULES = {"iv": SpacingRule(dt.timedelta(hours=48))}


@pytest.mark.parametrize(
    ("other_start", "offered"),
    [
        (TUESDAY_10 - dt.timedelta(hours=24), False),  # a dose yesterday: 48 h not kept
        (TUESDAY_10 + dt.timedelta(hours=47), False),
        (TUESDAY_10 - dt.timedelta(hours=48), True),  # exactly 48 h: kept
        (TUESDAY_10 + dt.timedelta(hours=72), True),
    ],
)
def test_who_fits_keeps_the_clinics_dose_spacing(other_start, offered) -> None:
    facts = {100: PatientFacts(doses=(Dose(other_start, "iv"),))}
    assert _who([wish()], facts, modality="iv", rules=RULES) == ([100] if offered else [])


def test_spacing_is_not_asked_for_a_visit_without_a_dose() -> None:
    facts = {100: PatientFacts(doses=(Dose(TUESDAY_10 - dt.timedelta(hours=1), "iv"),))}
    assert _who([wish()], facts, modality="", rules=RULES) == [100]


def test_one_dissociative_dose_a_day() -> None:
    rules = {"iv": SpacingRule(dt.timedelta(0)), "kap": SpacingRule(dt.timedelta(0))}
    facts = {100: PatientFacts(doses=(Dose(TUESDAY_10 - dt.timedelta(hours=2), "kap"),))}
    assert _who([wish()], facts, modality="iv", rules=rules) == []
    assert _who([wish()], facts, modality="iv", rules=rules, max_dissociative_per_day=2) == [100]


NOW = dt.datetime(2026, 3, 3, 8, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("minutes", "starts", "expected"),
    [
        (60, NOW + dt.timedelta(hours=5), NOW + dt.timedelta(minutes=60)),
        (600, NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=2)),  # never past the start
        (0, NOW + dt.timedelta(hours=2), NOW + dt.timedelta(minutes=1)),  # at least a minute
    ],
)
def test_an_offer_expires_after_the_clinics_minutes_or_at_the_visit(minutes, starts, expected):
    assert (
        waitlist.offer_expires_at(offered_at=NOW, open_minutes=minutes, slot_starts_at=starts)
        == expected
    )


@pytest.mark.parametrize(
    ("lead", "notice", "worth"),
    [
        (dt.timedelta(hours=3), 120, True),
        (dt.timedelta(hours=2), 120, True),
        (dt.timedelta(minutes=119), 120, False),
        (dt.timedelta(minutes=-5), 0, False),
    ],
)
def test_a_freed_time_is_offered_only_with_notice(lead, notice, worth) -> None:
    assert (
        waitlist.worth_offering(slot_starts_at=NOW + lead, now=NOW, notice_minutes=notice) is worth
    )


LATER = NOW + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "slot_open", "now", "refusal"),
    [
        ("offered", True, NOW, None),
        ("offered", True, LATER, waitlist.EXPIRED),  # at expiry: closed
        ("offered", False, NOW, waitlist.GONE),  # someone else claimed it
        ("offered", False, LATER, waitlist.GONE),  # gone beats expired: say what happened
        ("gone", True, NOW, waitlist.GONE),
        ("claimed", False, NOW, waitlist.GONE),  # a second press of one's own Claim
        ("expired", True, NOW, waitlist.EXPIRED),
        ("expired", False, NOW, waitlist.EXPIRED),
    ],
)
def test_claim_refusal(status, slot_open, now, refusal) -> None:
    assert (
        waitlist.claim_refusal(offer_status=status, expires_at=LATER, slot_open=slot_open, now=now)
        == refusal
    )


@pytest.mark.parametrize(
    ("now", "refusal"),
    [
        (NOW, waitlist.GONE),  # the wish is over: they booked another offer, or left
        (LATER, waitlist.GONE),  # gone beats expired here too
    ],
)
def test_an_offer_of_a_wish_that_is_over_cannot_be_claimed(now, refusal) -> None:
    assert (
        waitlist.claim_refusal(
            offer_status="offered", expires_at=LATER, slot_open=True, now=now, entry_active=False
        )
        == refusal
    )


def test_the_waitlists_parts_of_day_are_the_request_forms() -> None:
    from scheduling.models import DayPart
    from scheduling.slot_picker import DAY_PARTS
    from scheduling.waitlist_forms import DAY_PART_CHOICES

    parts = {p for p in DayPart.values if p != DayPart.ANY}
    assert set(waitlist.DAY_PART_HOURS) == parts == {p for p, _ in DAY_PART_CHOICES}
    assert all(waitlist.DAY_PART_HOURS[p] == DAY_PARTS[p] for p in parts)
