"""The slot finder's pure core: hours, buffers, busy clinicians and rooms."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling.slots import WorkBlock, blocked_interval, find_slots, overlaps

LA = ZoneInfo("America/Los_Angeles")
MONDAY = dt.date(2026, 3, 2)
HOUR = dt.timedelta(hours=1)


def at(h: int, m: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=LA)


def slots(**kw):
    defaults = {
        "days": [MONDAY],
        "tz": LA,
        "hours": [WorkBlock("dr", 0, dt.time(9), dt.time(12))],
        "rooms": ["chair"],
        "busy_by_clinician": {},
        "busy_by_room": {},
        "duration": HOUR,
        "step": dt.timedelta(minutes=30),
    }
    defaults.update(kw)
    return find_slots(**defaults)


def starts(found):
    return [(s.starts_at.hour, s.starts_at.minute) for s in found]


def test_free_day_offers_every_step_that_fits_the_hours():
    assert starts(slots()) == [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0)]


def test_no_hours_on_that_weekday_means_no_slots():
    assert slots(days=[MONDAY + dt.timedelta(days=1)]) == []


def test_a_busy_clinician_blocks_overlapping_starts():
    found = slots(busy_by_clinician={"dr": [(at(10), at(11))]})
    assert starts(found) == [(9, 0), (11, 0)]


def test_a_busy_room_blocks_only_that_room():
    found = slots(rooms=["c1", "c2"], busy_by_room={"c1": [(at(9), at(12))]})
    assert {s.room for s in found} == {"c2"}
    assert len(found) == 5


def test_buffers_are_included_on_both_sides():
    # Busy 10:00-10:30; 15 min before and after each new visit.
    found = slots(
        busy_by_room={"chair": [(at(10), at(10, 30))]},
        buffer_before=dt.timedelta(minutes=15),
        buffer_after=dt.timedelta(minutes=15),
        step=dt.timedelta(minutes=15),
    )
    # 9:00 visit blocks 8:45-10:15 (overlaps); 10:45 blocks 10:30-12:00 (free).
    assert (9, 0) not in starts(found)
    assert (10, 45) in starts(found)
    assert (10, 30) not in starts(found)


def test_back_to_back_visits_may_touch():
    found = slots(busy_by_room={"chair": [(at(9), at(10))]})
    assert starts(found)[0] == (10, 0)


def test_telehealth_needs_no_room_and_an_empty_room_list_offers_nothing():
    assert all(s.room is None for s in slots(rooms=None))
    assert slots(rooms=[]) == []


def test_times_before_now_are_not_offered():
    assert starts(slots(not_before=at(10, 15))) == [(10, 30), (11, 0)]


def test_daylight_saving_day_keeps_wall_clock_hours():
    dst_day = dt.date(2026, 3, 8)  # Sunday, clocks go forward at 2 am
    found = slots(days=[dst_day], hours=[WorkBlock("dr", 6, dt.time(9), dt.time(11))])
    assert starts(found) == [(9, 0), (9, 30), (10, 0)]
    assert found[0].starts_at.utcoffset() == dt.timedelta(hours=-7)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((1, 2), (2, 3), False),
        ((1, 3), (2, 4), True),
        ((2, 3), (1, 4), True),
        ((3, 4), (1, 2), False),
    ],
)
def test_overlaps_is_half_open(a, b, expected):
    def iv(x):
        return (at(x[0]), at(x[1]))

    assert overlaps(iv(a), iv(b)) is expected


def test_blocked_interval_adds_buffers():
    assert blocked_interval(at(10), HOUR, dt.timedelta(minutes=15), dt.timedelta(minutes=10)) == (
        at(9, 45),
        at(11, 10),
    )


def test_zero_duration_offers_nothing():
    assert slots(duration=dt.timedelta(0)) == []


# --- the location's opening hours ------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        # Not limited: the clinician's hours decide.
        (None, ["08:00", "09:00", "10:00"]),
        # Open only 09:00-10:30: a 60-minute visit fits at 09:00 only.
        ({0: [(dt.time(9), dt.time(10, 30))]}, ["09:00"]),
        # Closed that weekday (hours only on Tuesday): nothing.
        ({1: [(dt.time(8), dt.time(18))]}, []),
        # Two blocks (a lunch closure): each clipped to the clinician's hours.
        ({0: [(dt.time(7), dt.time(9)), (dt.time(10), dt.time(12))]}, ["08:00", "10:00"]),
    ],
)
def test_slots_lie_inside_the_locations_opening_hours(opening, expected) -> None:
    monday = dt.date(2026, 12, 7)
    slots = find_slots(
        days=[monday],
        tz=LA,
        hours=[WorkBlock("c", 0, dt.time(8), dt.time(11))],
        rooms=["r"],
        busy_by_clinician={},
        busy_by_room={},
        duration=dt.timedelta(minutes=60),
        step=dt.timedelta(minutes=60),
        opening=opening,
    )
    assert [f"{s.starts_at:%H:%M}" for s in slots] == expected
