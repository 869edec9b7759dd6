"""The reply-time target as a pure rule: N business days (Monday to Friday) after the
patient wrote, at the same local clock time. Plain values in and out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def reply_due_at(since: dt.datetime, business_days: int, zone: ZoneInfo) -> dt.datetime:
    """When a reply to a message written at `since` is due.

    A message written on a weekend counts from Monday's start, so "one business day"
    after Saturday night is Tuesday morning, not Monday morning.
    """
    local = since.astimezone(zone)
    day, clock = local.date(), local.time()
    if day.weekday() >= 5:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        clock = dt.time(0)
    added = 0
    while added < business_days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return dt.datetime.combine(day, clock, tzinfo=zone)


def is_overdue(
    since: dt.datetime | None, *, now: dt.datetime, business_days: int, zone: ZoneInfo
) -> bool:
    return since is not None and now >= reply_due_at(since, business_days, zone)
