"""When each kind of message goes: table-driven, no database, daylight-saving days included.

2026 in California: clocks spring forward on Sun 8 Mar (02:00 -> 03:00) and fall back on
Sun 1 Nov (02:00 -> 01:00).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.notifications import timing

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_at", "hours", "expected"),
    [
        # "N hours before" is N real hours, whatever the clock does.
        (la(2026, 3, 3, 10, 0), 24, utc(2026, 3, 2, 18, 0)),
        (la(2026, 3, 3, 10, 0), 2, utc(2026, 3, 3, 16, 0)),
        # Visit the Monday after spring-forward 2027: 24 h before is Sunday 9:00 PDT.
        (la(2027, 3, 15, 10, 0), 24, utc(2027, 3, 14, 17, 0)),
        # Visit on spring-forward Sunday 2027 at 10:00 PDT: Saturday 9:00 PST.
        (la(2027, 3, 14, 10, 0), 24, utc(2027, 3, 13, 17, 0)),
        # Visit the Monday after fall-back 2027: Sunday 11:00 PST.
        (la(2027, 11, 8, 10, 0), 24, utc(2027, 11, 7, 18, 0)),
        # Two hours before 03:30 PDT on spring-forward night is 00:30 PST.
        (la(2027, 3, 14, 3, 30), 2, utc(2027, 3, 14, 8, 30)),
        (la(2027, 11, 8, 9, 0), 48, utc(2027, 11, 6, 17, 0)),
    ],
)
def test_hours_before_counts_real_hours(
    starts_at: dt.datetime, hours: int, expected: dt.datetime
) -> None:
    assert timing.hours_before(starts_at, hours) == expected
    assert (starts_at - timing.hours_before(starts_at, hours)) == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("starts_at", "at", "expected"),
    [
        (la(2026, 3, 3, 10, 0), dt.time(9), la(2026, 3, 2, 9, 0)),
        # The day after spring-forward 2027: 9 am PDT on the short Sunday.
        (la(2027, 3, 15, 10, 0), dt.time(9), utc(2027, 3, 14, 16, 0)),
        # On spring-forward Sunday: 9 am PST on Saturday.
        (la(2027, 3, 14, 10, 0), dt.time(9), utc(2027, 3, 13, 17, 0)),
        # The day after fall-back 2027: 9 am PST on the long Sunday.
        (la(2027, 11, 8, 10, 0), dt.time(9), utc(2027, 11, 7, 17, 0)),
        # On fall-back Sunday: 9 am PDT on Saturday.
        (la(2027, 11, 7, 10, 0), dt.time(9), utc(2027, 11, 6, 16, 0)),
        # A visit late in the evening UTC-wise still counts from its local day.
        (utc(2027, 3, 16, 6, 0), dt.time(9), la(2027, 3, 14, 9, 0)),
    ],
)
def test_day_before_at_keeps_the_local_clock_time(
    starts_at: dt.datetime, at: dt.time, expected: dt.datetime
) -> None:
    assert timing.day_before_at(starts_at, at, LA) == expected
    assert timing.day_before_at(starts_at, at, LA).astimezone(LA).time() == at


def test_appointment_reminders_name_each_kind_and_skip_zero_hours() -> None:
    reminders = timing.appointment_reminders(
        la(2027, 3, 15, 10, 0), hours=(24, 0, 2), day_before=dt.time(9), zone=LA
    )
    assert reminders == [
        ("24h", utc(2027, 3, 14, 17, 0)),
        ("2h", utc(2027, 3, 15, 15, 0)),
        ("day-before-0900", utc(2027, 3, 14, 16, 0)),
    ]
    assert (
        timing.appointment_reminders(la(2027, 3, 15, 10), hours=(), day_before=None, zone=LA) == []
    )


@pytest.mark.parametrize(
    ("moment", "start", "end", "expected"),
    [
        # Outside quiet hours: unchanged.
        (la(2026, 3, 3, 12, 0), dt.time(21), dt.time(8), la(2026, 3, 3, 12, 0)),
        (la(2026, 3, 3, 8, 0), dt.time(21), dt.time(8), la(2026, 3, 3, 8, 0)),
        (la(2026, 3, 3, 20, 59), dt.time(21), dt.time(8), la(2026, 3, 3, 20, 59)),
        # Late evening: waits for 08:00 the next morning.
        (la(2026, 3, 3, 21, 0), dt.time(21), dt.time(8), la(2026, 3, 4, 8, 0)),
        (la(2026, 3, 3, 23, 15), dt.time(21), dt.time(8), la(2026, 3, 4, 8, 0)),
        # Small hours: waits for 08:00 the same morning.
        (la(2026, 3, 4, 3, 0), dt.time(21), dt.time(8), la(2026, 3, 4, 8, 0)),
        # Spring-forward night: 08:00 PDT is 15:00 UTC (a shorter night).
        (la(2026, 3, 7, 23, 0), dt.time(21), dt.time(8), utc(2026, 3, 8, 15, 0)),
        # Fall-back night: 08:00 PST is 16:00 UTC (a longer night).
        (la(2026, 10, 31, 23, 0), dt.time(21), dt.time(8), utc(2026, 11, 1, 16, 0)),
        # A quiet span ending at 02:30, which does not exist on spring-forward night:
        # released just after the jump (03:30 PDT), never before it.
        (la(2026, 3, 8, 1, 0), dt.time(22), dt.time(2, 30), utc(2026, 3, 8, 10, 30)),
        # A daytime quiet span (a nap, a work meeting) that does not cross midnight.
        (la(2026, 3, 3, 13, 30), dt.time(13), dt.time(14), la(2026, 3, 3, 14, 0)),
        (la(2026, 3, 3, 14, 0), dt.time(13), dt.time(14), la(2026, 3, 3, 14, 0)),
        # Start equal to end: no quiet hours at all.
        (la(2026, 3, 3, 23, 0), dt.time(8), dt.time(8), la(2026, 3, 3, 23, 0)),
    ],
)
def test_texts_wait_for_the_end_of_quiet_hours(
    moment: dt.datetime, start: dt.time, end: dt.time, expected: dt.datetime
) -> None:
    released = timing.quiet_hours_release(moment, start, end, LA)
    assert released == expected
    assert not timing.in_quiet_hours(released, start, end, LA)


def test_booster_due_goes_days_before_at_the_daytime_hour() -> None:
    # Due Tue 10 Mar; 3 days before is Sat 7 Mar, still PST.
    assert timing.booster_due_send_at(dt.date(2026, 3, 10), 3, dt.time(10), LA) == utc(
        2026, 3, 7, 18, 0
    )


def test_booster_overdue_goes_the_day_after_the_due_day() -> None:
    # Due Sat 7 Mar; the next day is spring-forward Sunday, 10:00 PDT.
    assert timing.booster_overdue_send_at(dt.date(2026, 3, 7), dt.time(10), LA) == utc(
        2026, 3, 8, 17, 0
    )


@pytest.mark.parametrize(
    ("discharged_at", "expected"),
    [
        (la(2026, 3, 3, 15, 0), utc(2026, 3, 4, 18, 0)),
        # Discharged late on 31 Oct (PDT): next day is fall-back Sunday, 10:00 PST.
        (la(2026, 10, 31, 23, 30), utc(2026, 11, 1, 18, 0)),
        # 00:30 local is already the new day: the check-in is the day after that.
        (la(2026, 3, 4, 0, 30), utc(2026, 3, 5, 18, 0)),
    ],
)
def test_aftercare_checkin_goes_the_next_local_day(
    discharged_at: dt.datetime, expected: dt.datetime
) -> None:
    assert timing.aftercare_checkin_send_at(discharged_at, dt.time(10), LA) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Tue 3 Mar 2026 -> Monday 9 Mar 10:00 PDT (after spring-forward).
        (la(2026, 3, 3, 12, 0), utc(2026, 3, 9, 17, 0)),
        # Monday before 10:00 -> the same Monday.
        (la(2026, 3, 2, 9, 0), utc(2026, 3, 2, 18, 0)),
        # Monday at exactly 10:00 -> strictly after, so next week.
        (la(2026, 3, 2, 10, 0), utc(2026, 3, 9, 17, 0)),
    ],
)
def test_weekly_checkin_goes_on_the_next_monday_morning(
    after: dt.datetime, expected: dt.datetime
) -> None:
    assert timing.weekly_checkin_send_at(after, 0, dt.time(10), LA) == expected


def test_integration_window_open_goes_when_it_opens() -> None:
    opens = la(2026, 3, 4, 9, 0)
    assert timing.integration_window_open_send_at(opens) == utc(2026, 3, 4, 17, 0)


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "hours", "expected"),
    [
        (la(2026, 3, 4, 9), la(2026, 3, 5, 9), 6, utc(2026, 3, 5, 11, 0)),
        # A short window: never before it opens.
        (la(2026, 3, 4, 9), la(2026, 3, 4, 12), 6, utc(2026, 3, 4, 17, 0)),
    ],
)
def test_integration_window_closing_goes_hours_before_the_end(
    opens_at: dt.datetime, closes_at: dt.datetime, hours: int, expected: dt.datetime
) -> None:
    assert (
        timing.integration_window_closing_send_at(closes_at, hours, opens_at=opens_at) == expected
    )


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 60), (2, 240), (3, 960), (4, 3840), (5, 15360), (6, 21600), (20, 21600)],
)
def test_retries_back_off_and_are_capped_at_six_hours(attempts: int, seconds: int) -> None:
    assert timing.retry_delay(attempts, 60) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(("value", "expected"), [("10:00", dt.time(10)), ("7:05", dt.time(7, 5))])
def test_parse_clock(value: str, expected: dt.time) -> None:
    assert timing.parse_clock(value) == expected


@pytest.mark.parametrize("value", ["10", "25:00", "ten:00"])
def test_parse_clock_refuses_nonsense(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError is the refusal
        timing.parse_clock(value)
