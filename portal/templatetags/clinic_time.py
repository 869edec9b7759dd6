"""Template filters for portal.formats: `{% load clinic_time %}` then

    {{ appointment.starts_at|when }}         Wed 2 Dec, 5:30 PM
    {{ checkin.day|day }}                    Wed 2 Dec
    {{ profile.date_of_birth|fulldate }}     2 Dec 1985
    {{ slot.starts_at|clock }}               5:30 PM
    {{ entry.created_at|stamp }}             2 Dec 2026, 5:30 PM
    {{ slot.starts_at|time_range:slot.ends_at }}   5:30 to 6:30 PM

Nothing (None or "") prints as "", so `|default:"—"` works after any of them. The
names avoid Django's own `date` and `time` filters, which stay available.
"""

from __future__ import annotations

import datetime as dt

from django import template

from portal import formats

register = template.Library()


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    return formats.format_day(value) if value else ""


@register.filter
def fulldate(value: dt.date | dt.datetime | None) -> str:
    return formats.format_date(value) if value else ""


@register.filter
def clock(value: dt.time | dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    return formats.format_time(value)


@register.filter
def when(value: dt.datetime | None) -> str:
    return formats.format_when(value) if value else ""


@register.filter
def stamp(value: dt.datetime | None) -> str:
    return formats.format_stamp(value) if value else ""


@register.filter
def time_range(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if not start or not end:
        return ""
    return formats.format_time_range(start, end)
