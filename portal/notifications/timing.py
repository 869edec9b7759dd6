"""When each kind of message goes out: pure rules, plain values in, aware datetimes out.

No Django here, so every rule is table-tested without a database. Callers pass the
clinic's zone (or the patient's) and the numbers from settings. All results are aware
datetimes in UTC; the reasoning happens in local clock time because that is what a
patient lives by ("the day before at the same time", "not at night"), and daylight
saving makes local days 23 or 25 hours long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

UTC = dt.UTC


def local_moment(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """`day` at clock time `at` in `zone`, as an aware UTC datetime.

    A clock time that does not exist (02:30 on the spring-forward night) is read as the
    same time on the clock before the jump, which lands just after it; an ambiguous one
    (01:30 on the fall-back night) is the first of the two.
    """
    naive = dt.datetime.combine(day, at)
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def hours_before(moment: dt.datetime, hours: int) -> dt.datetime:
    """`hours` real hours before `moment`, also across a daylight-saving change.

    In UTC: arithmetic on a zoned datetime would count clock hours, not elapsed ones.
    """
    return moment.astimezone(UTC) - dt.timedelta(hours=hours)


def day_before_at(moment: dt.datetime, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Local clock time `at` on the local day before `moment` (9 am stays 9 am)."""
    return local_moment(moment.astimezone(zone).date() - dt.timedelta(days=1), at, zone)


def appointment_reminders(
    starts_at: dt.datetime,
    *,
    hours: Iterable[int],
    day_before: dt.time | None,
    zone: ZoneInfo,
) -> list[tuple[str, dt.datetime]]:
    """Every reminder of a visit as (name, send time): "24h" for each positive entry of
    `hours`, "day-before-0900" for a local time on the day before. The name is stable
    for one setting, so callers key rows on it and a changed setting writes new rows."""
    reminders = [(f"{h}h", hours_before(starts_at, h)) for h in hours if h > 0]
    if day_before is not None:
        reminders.append(
            (f"day-before-{day_before:%H%M}", day_before_at(starts_at, day_before, zone))
        )
    return reminders


def integration_window_open_send_at(opens_at: dt.datetime) -> dt.datetime:
    """ "Book your integration session" goes the moment the window opens."""
    return opens_at.astimezone(UTC)


def integration_window_closing_send_at(
    closes_at: dt.datetime, hours_before: int, *, opens_at: dt.datetime | None = None
) -> dt.datetime:
    """A few hours before the window closes, but never before it opens."""
    moment = closes_at.astimezone(UTC) - dt.timedelta(hours=hours_before)
    if opens_at is not None and moment < opens_at:
        moment = opens_at
    return moment.astimezone(UTC)


def booster_due_send_at(due: dt.date, days_before: int, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """`days_before` the booster's due day, at the daytime sending hour."""
    return local_moment(due - dt.timedelta(days=days_before), at, zone)


def booster_overdue_send_at(due: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The day after the due day passed unbooked, at the daytime sending hour."""
    return local_moment(due + dt.timedelta(days=1), at, zone)


def aftercare_checkin_send_at(
    discharged_at: dt.datetime, at: dt.time, zone: ZoneInfo
) -> dt.datetime:
    """The next local day after discharge, at the daytime sending hour."""
    day = discharged_at.astimezone(zone).date() + dt.timedelta(days=1)
    return local_moment(day, at, zone)


def weekly_checkin_send_at(
    after: dt.datetime, weekday: int, at: dt.time, zone: ZoneInfo
) -> dt.datetime:
    """The next `weekday` (0 = Monday) at `at`, strictly after `after`."""
    local = after.astimezone(zone)
    days_ahead = (weekday - local.weekday()) % 7
    candidate = local_moment(local.date() + dt.timedelta(days=days_ahead), at, zone)
    if candidate <= after:
        candidate = local_moment(local.date() + dt.timedelta(days=days_ahead + 7), at, zone)
    return candidate


def in_quiet_hours(moment: dt.datetime, start: dt.time, end: dt.time, zone: ZoneInfo) -> bool:
    """Whether `moment` falls in the quiet span [start, end) on the local clock."""
    if start == end:
        return False
    clock = moment.astimezone(zone).time().replace(tzinfo=None)
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def quiet_hours_release(
    moment: dt.datetime, start: dt.time, end: dt.time, zone: ZoneInfo
) -> dt.datetime:
    """`moment` if it is outside quiet hours, else the end of the quiet span it is in."""
    if not in_quiet_hours(moment, start, end, zone):
        return moment.astimezone(UTC)
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    # Before the end on the same local day (the small hours), the span ends today;
    # otherwise (the evening part of a span over midnight) it ends tomorrow.
    if clock >= end:
        day += dt.timedelta(days=1)
    return local_moment(day, end, zone)


def retry_delay(attempts: int, base_seconds: int) -> dt.timedelta:
    """Back off after the `attempts`-th failure: base, 4x base, 16x base ..., at most 6 h."""
    seconds = base_seconds * 4 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, 6 * 3600))


def parse_clock(value: str) -> dt.time:
    """ "10:00" -> time(10, 0); a bad value raises ValueError."""
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def evening_before_at(starts_at: dt.datetime, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The readiness check of a visit (and its answer-by time): local clock time `at` on
    the local day before the visit, so 6 pm stays 6 pm across a daylight-saving change."""
    return day_before_at(starts_at, at, zone)
