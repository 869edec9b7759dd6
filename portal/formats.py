"""Dates and times for people: the one place that decides how a moment reads.

Every page, email, SMS and calendar invitation prints times through these functions
(templates through the `clinic_time` filters), so a visit never reads "17:30" in one
place and "5:30 PM" in another. One style, US 12-hour, day before month:

    day          Wed 2 Dec                      a day in the near past or future
    date         2 Dec 2026                     a calendar date on a record (birth, due, filed)
    time         5:30 PM                        a clock time
    when         Wed 2 Dec, 5:30 PM             a moment a patient plans around
    stamp        2 Dec 2026, 5:30 PM            a moment something happened (sent, signed)
    time range   5:30 to 6:30 PM                start and end on one day
                 11:30 AM to 12:30 PM
                 Wed 2 Dec, 11:00 PM to Thu 3 Dec, 1:00 AM

Aware datetimes are shown on the clinic's clock (settings.TIME_ZONE) unless a zone is
passed; a naive datetime is a bug upstream (we store UTC), so it raises rather than
guessing. Names of days, months and AM/PM come from Django's date formatting, which
translates them when translation is on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat

DAY = "D j M"
DATE = "j M Y"
TIME = "g:i A"
WHEN = f"{DAY}, {TIME}"
STAMP = f"{DATE}, {TIME}"


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(value: dt.datetime, zone: ZoneInfo | None) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"a naive datetime cannot be shown to a person: {value!r}"
        raise ValueError(msg)
    return value.astimezone(zone or clinic_zone())


def _calendar_day(value: dt.date | dt.datetime, zone: ZoneInfo | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return _local(value, zone).date()
    return value


def format_day(value: dt.date | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "Wed 2 Dec": a date, or the clinic-local day of a moment."""
    return dateformat.format(_calendar_day(value, zone), DAY)


def format_date(value: dt.date | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "2 Dec 2026": a calendar date with its year, for records."""
    return dateformat.format(_calendar_day(value, zone), DATE)


def format_time(value: dt.time | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "5:30 PM": a clock time, or the clinic-local clock time of a moment."""
    if isinstance(value, dt.datetime):
        value = _local(value, zone).time()
    # A bare time is formatted through a datetime so Django's format codes apply.
    return dateformat.format(dt.datetime.combine(dt.date(2000, 1, 1), value), TIME)


def format_when(value: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "Wed 2 Dec, 5:30 PM": a moment a patient plans around."""
    return dateformat.format(_local(value, zone), WHEN)


def format_stamp(value: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "2 Dec 2026, 5:30 PM": when something happened, with its year."""
    return dateformat.format(_local(value, zone), STAMP)


def format_time_range(start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "5:30 to 6:30 PM", "11:30 AM to 12:30 PM", or both days when it spans midnight.

    The times only, not the day: a caller that wants the day writes `format_day` first.
    """
    local_start, local_end = _local(start, zone), _local(end, zone)
    if local_start.date() != local_end.date():
        return f"{dateformat.format(local_start, WHEN)} to {dateformat.format(local_end, WHEN)}"
    first = dateformat.format(local_start, TIME)
    last = dateformat.format(local_end, TIME)
    # Say AM/PM once when both ends share it, as people write it.
    if dateformat.format(local_start, "A") == dateformat.format(local_end, "A"):
        first = dateformat.format(local_start, "g:i")
    return f"{first} to {last}"
