"""Dates and times for people: the one place that decides how a moment reads.

Every page, email, SMS and calendar invitation prints times through these functions
(templates through the `clinic_time` filters), so a visit never reads "17:30" in one
place and "5:30 PM" in another. One style, US 12-hour, day before month:

    day          Wed 2 Dec                      a day in the near past or future
    date         2 Dec 2026                     a calendar date on a record (birth, due, filed)
    time         5:30 PM                        a clock time
    when         Wed 2 Dec, 5:30 PM             a moment a patient plans around
    long date    December 2, 2026               a date printed on a document (PDFs)
    stamp        2 Dec 2026, 5:30 PM            a moment something happened (sent, signed)
    time range   5:30 to 6:30 PM                start and end on one day
                 11:30 AM to 12:30 PM
                 Wed 2 Dec, 11:00 PM to Thu 3 Dec, 1:00 AM

Aware datetimes are shown on the clinic's clock (settings.TIME_ZONE) unless a zone is
passed; a naive datetime is a bug upstream (we store UTC), so it raises rather than
guessing. Names of days, months and AM/PM come from Django's date formatting, which
translates them. The active language picks the pattern: Spanish reads "mié 2 dic,
5:30 p.m." and "10:30 a.m. a 5:30 p.m." (lower-case names, as Spanish writes them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import gettext

DAY = "D j M"
DATE = "j M Y"
TIME = "g:i A"
WHEN = f"{DAY}, {TIME}"
STAMP = f"{DATE}, {TIME}"


@dataclass(frozen=True)
class Patterns:
    day: str
    date: str
    time: str
    meridiem: str  # the AM/PM code alone, to say it once in a range
    day_month: str  # "2 Dec": a chart's axis, where the weekday has no room
    long_date: str  # the month written out, as a signed or billed document prints it

    @property
    def when(self) -> str:
        return f"{self.day}, {self.time}"

    @property
    def stamp(self) -> str:
        return f"{self.date}, {self.time}"


ENGLISH = Patterns(day=DAY, date=DATE, time=TIME, meridiem="A", day_month="j M", long_date="F j, Y")
# Django's "b" is the lower-case month ("dic"), "a" the lower-case "a.m."/"p.m."; "F" is
# the month's full name, lower-case in Spanish ("2 de diciembre de 2026").
SPANISH = Patterns(
    day="D j b",
    date="j b Y",
    time="g:i a",
    meridiem="a",
    day_month="j b",
    long_date=r"j \d\e F \d\e Y",
)
PATTERNS = {"en": ENGLISH, "es": SPANISH}


def patterns() -> Patterns:
    """The patterns of the active language (English for any we do not ship)."""
    language = (translation.get_language() or "en").split("-")[0]
    return PATTERNS.get(language, ENGLISH)


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
    return dateformat.format(_calendar_day(value, zone), patterns().day)


def format_date(value: dt.date | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "2 Dec 2026": a calendar date with its year, for records."""
    return dateformat.format(_calendar_day(value, zone), patterns().date)


def format_long_date(value: dt.date | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "December 2, 2026" ("2 de diciembre de 2026"): a date on a printed document."""
    return dateformat.format(_calendar_day(value, zone), patterns().long_date)


def format_time(value: dt.time | dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "5:30 PM": a clock time, or the clinic-local clock time of a moment."""
    if isinstance(value, dt.datetime):
        value = _local(value, zone).time()
    # A bare time is formatted through a datetime so Django's format codes apply.
    return dateformat.format(dt.datetime.combine(dt.date(2000, 1, 1), value), patterns().time)


def format_when(value: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "Wed 2 Dec, 5:30 PM": a moment a patient plans around."""
    return dateformat.format(_local(value, zone), patterns().when)


def format_stamp(value: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "2 Dec 2026, 5:30 PM": when something happened, with its year."""
    return dateformat.format(_local(value, zone), patterns().stamp)


def format_time_range(start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """ "5:30 to 6:30 PM", "11:30 AM to 12:30 PM", or both days when it spans midnight.

    The times only, not the day: a caller that wants the day writes `format_day` first.
    """
    local_start, local_end = _local(start, zone), _local(end, zone)
    style = patterns()
    if local_start.date() != local_end.date():
        first = dateformat.format(local_start, style.when)
        last = dateformat.format(local_end, style.when)
    else:
        first = dateformat.format(local_start, style.time)
        last = dateformat.format(local_end, style.time)
        # Say AM/PM once when both ends share it, as people write it.
        meridiem = style.meridiem
        if dateformat.format(local_start, meridiem) == dateformat.format(local_end, meridiem):
            first = dateformat.format(local_start, "g:i")
    # Translators: a time range, "5:30 to 6:30 PM".
    return gettext("%(start)s to %(end)s") % {"start": first, "end": last}
