"""The integration window: 24 h to 48 h after discharge, in absolute time, shown in Pacific."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from integration.window import (
    CLINIC_ZONE,
    booking_refusal,
    integration_window,
    slots_inside_window,
)

PT = CLINIC_ZONE
ENDED = dt.datetime(2026, 3, 3, 11, 30, tzinfo=PT)  # an ordinary Tuesday discharge


def window_for(ended: dt.datetime = ENDED):
    return integration_window(ended, opens_after_hours=24, closes_after_hours=48)


@pytest.mark.parametrize(
    ("after", "allowed"),
    [
        (dt.timedelta(hours=23, minutes=59), False),
        (dt.timedelta(hours=23, minutes=59, seconds=59), False),
        (dt.timedelta(hours=24), True),
        (dt.timedelta(hours=36), True),
        (dt.timedelta(hours=47, minutes=59), True),
        (dt.timedelta(hours=48), False),
        (dt.timedelta(hours=72), False),
        (dt.timedelta(hours=-1), False),
    ],
    ids=["23h59", "23h59m59", "24h00", "36h00", "47h59", "48h00", "72h00", "before-discharge"],
)
def test_window_edges(after: dt.timedelta, allowed: bool) -> None:
    window = window_for()
    assert window.contains(ENDED + after) is allowed
    assert (booking_refusal(window, ENDED + after) is None) is allowed


def test_refusal_too_soon_and_too_late_say_why_and_when() -> None:
    window = window_for()
    soon = booking_refusal(window, ENDED + dt.timedelta(hours=2))
    late = booking_refusal(window, ENDED + dt.timedelta(days=3))
    assert soon is not None
    assert "too soon" in soon
    assert "Wed 4 Mar, 11:30 AM" in soon
    assert late is not None
    assert "closed" in late
    assert "Thu 5 Mar, 11:30 AM" in late


def test_session_the_evening_before_the_autumn_clock_change() -> None:
    # Sat 1 Nov 2025, 8 pm PDT; clocks go back at 2 am on Sun 2 Nov.
    ended = dt.datetime(2025, 11, 1, 20, 0, tzinfo=PT)
    window = window_for(ended)
    opens, closes = window.local()
    # 24 real hours later the wall clock reads 7 pm (an hour was repeated).
    assert opens == dt.datetime(2025, 11, 2, 19, 0, tzinfo=PT)
    assert opens.utcoffset() == dt.timedelta(hours=-8)
    assert closes == dt.datetime(2025, 11, 3, 19, 0, tzinfo=PT)
    assert window.opens_at - ended == dt.timedelta(hours=24)
    # 6:59 pm on Sunday is 23 h 59 m after discharge, though the wall says 22 h 59 m.
    assert window.contains(dt.datetime(2025, 11, 2, 19, 59, tzinfo=PT))
    assert not window.contains(dt.datetime(2025, 11, 2, 18, 59, tzinfo=PT))
    assert window.describe() == "from Sun 2 Nov, 7:00 PM to Mon 3 Nov, 7:00 PM"


def test_session_the_evening_before_the_spring_clock_change() -> None:
    # Sat 7 Mar 2026, 8 pm PST; clocks go forward at 2 am on Sun 8 Mar.
    ended = dt.datetime(2026, 3, 7, 20, 0, tzinfo=PT)
    window = window_for(ended)
    opens, closes = window.local()
    assert opens == dt.datetime(2026, 3, 8, 21, 0, tzinfo=PT)
    assert opens.utcoffset() == dt.timedelta(hours=-7)
    assert closes == dt.datetime(2026, 3, 9, 21, 0, tzinfo=PT)
    # 8:30 pm on Sunday looks like "a day later" on the wall but is only 23 h 30 m.
    assert not window.contains(dt.datetime(2026, 3, 8, 20, 30, tzinfo=PT))
    assert window.contains(dt.datetime(2026, 3, 8, 21, 0, tzinfo=PT))


def test_window_is_the_same_whatever_zone_the_end_time_is_given_in() -> None:
    utc = ENDED.astimezone(dt.UTC)
    assert window_for(utc) == window_for(ENDED)


def test_naive_times_are_refused() -> None:
    naive = dt.datetime(2026, 3, 3, 11, 30)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="aware"):
        integration_window(naive, opens_after_hours=24, closes_after_hours=48)
    with pytest.raises(ValueError, match="aware"):
        window_for().contains(dt.datetime(2026, 3, 4, 12, 0))  # noqa: DTZ001


@pytest.mark.parametrize(("opens", "closes"), [(48, 24), (24, 24)])
def test_a_window_that_never_opens_is_refused(opens: int, closes: int) -> None:
    with pytest.raises(ValueError, match="open before"):
        integration_window(ENDED, opens_after_hours=opens, closes_after_hours=closes)


def test_settings_may_change_the_window() -> None:
    window = integration_window(ENDED, opens_after_hours=12, closes_after_hours=72)
    assert window.contains(ENDED + dt.timedelta(hours=12))
    assert window.contains(ENDED + dt.timedelta(hours=71, minutes=59))
    assert not window.contains(ENDED + dt.timedelta(hours=72))


@pytest.mark.parametrize(
    ("now_after", "hours"),
    [
        (dt.timedelta(hours=0), 48),
        (dt.timedelta(hours=24), 24),
        (dt.timedelta(hours=30, minutes=30), 17),
        (dt.timedelta(hours=47, minutes=1), 0),
        (dt.timedelta(hours=48), 0),
        (dt.timedelta(hours=60), 0),
    ],
)
def test_hours_left(now_after: dt.timedelta, hours: int) -> None:
    assert window_for().hours_left(ENDED + now_after) == hours


@dataclass(frozen=True)
class FakeSlot:
    starts_at: dt.datetime


def test_slots_offered_are_only_those_inside_the_window_and_still_ahead() -> None:
    window = window_for()
    hours = [20, 23.5, 24, 30, 26, 47.5, 48, 50]
    slots = [FakeSlot(ENDED + dt.timedelta(hours=h)) for h in hours]
    now = ENDED + dt.timedelta(hours=25)
    offered = slots_inside_window(slots, window, now=now)
    assert [s.starts_at - ENDED for s in offered] == [
        dt.timedelta(hours=26),
        dt.timedelta(hours=30),
        dt.timedelta(hours=47.5),
    ]


def test_no_slots_offered_once_the_window_has_closed() -> None:
    window = window_for()
    slots = [FakeSlot(ENDED + dt.timedelta(hours=30))]
    assert slots_inside_window(slots, window, now=ENDED + dt.timedelta(hours=48)) == []


@pytest.mark.parametrize(("for_staff", "whose"), [(False, "your"), (True, "the patient's")])
def test_a_refusal_speaks_to_whoever_is_booking(for_staff: bool, whose: str) -> None:
    window = window_for()
    soon = booking_refusal(window, ENDED + dt.timedelta(hours=2), for_staff=for_staff)
    late = booking_refusal(window, ENDED + dt.timedelta(days=3), for_staff=for_staff)
    assert soon is not None
    assert f"too soon after {whose} session" in soon
    assert late is not None
    assert f"after {whose} integration window" in late
