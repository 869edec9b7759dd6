"""portal.formats: one style for dates and times, on the clinic's clock, DST included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from portal import formats

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (la(2026, 12, 2, 17, 30), "Wed 2 Dec, 5:30 PM"),
        (la(2026, 12, 2, 9, 5), "Wed 2 Dec, 9:05 AM"),
        (la(2026, 12, 2, 0, 0), "Wed 2 Dec, 12:00 AM"),
        (la(2026, 12, 2, 12, 0), "Wed 2 Dec, 12:00 PM"),
        # 01:30 UTC on the 3rd is still the evening of the 2nd in California.
        (dt.datetime(2026, 12, 3, 1, 30, tzinfo=UTC), "Wed 2 Dec, 5:30 PM"),
        # Summer time: UTC-7, not UTC-8.
        (dt.datetime(2027, 7, 1, 16, 0, tzinfo=UTC), "Thu 1 Jul, 9:00 AM"),
        # Either side of the 2027 spring-forward and fall-back nights.
        (dt.datetime(2027, 3, 14, 9, 59, tzinfo=UTC), "Sun 14 Mar, 1:59 AM"),
        (dt.datetime(2027, 3, 14, 10, 0, tzinfo=UTC), "Sun 14 Mar, 3:00 AM"),
        (dt.datetime(2027, 11, 7, 8, 30, tzinfo=UTC), "Sun 7 Nov, 1:30 AM"),
        (dt.datetime(2027, 11, 7, 9, 30, tzinfo=UTC), "Sun 7 Nov, 1:30 AM"),
        (dt.datetime(2027, 11, 7, 10, 30, tzinfo=UTC), "Sun 7 Nov, 2:30 AM"),
    ],
)
def test_when_reads_as_a_us_12_hour_clock_in_the_clinic_zone(value, expected):
    assert formats.format_when(value) == expected


@pytest.mark.parametrize(
    ("value", "day", "date"),
    [
        (dt.date(2026, 12, 2), "Wed 2 Dec", "2 Dec 2026"),
        (dt.date(1985, 1, 9), "Wed 9 Jan", "9 Jan 1985"),
        (dt.datetime(2026, 12, 3, 1, 30, tzinfo=UTC), "Wed 2 Dec", "2 Dec 2026"),
    ],
)
def test_day_and_date_name_the_clinic_local_calendar_day(value, day, date):
    assert formats.format_day(value) == day
    assert formats.format_date(value) == date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.time(17, 30), "5:30 PM"),
        (dt.time(0, 0), "12:00 AM"),
        (dt.time(9, 0), "9:00 AM"),
        (dt.datetime(2026, 12, 3, 1, 30, tzinfo=UTC), "5:30 PM"),
    ],
)
def test_time_is_a_12_hour_clock_time(value, expected):
    assert formats.format_time(value) == expected


def test_stamp_carries_the_year():
    assert formats.format_stamp(la(2026, 12, 2, 17, 30)) == "2 Dec 2026, 5:30 PM"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (la(2026, 12, 2, 17, 30), la(2026, 12, 2, 18, 30), "5:30 to 6:30 PM"),
        (la(2026, 12, 2, 9, 0), la(2026, 12, 2, 10, 0), "9:00 to 10:00 AM"),
        (la(2026, 12, 2, 11, 30), la(2026, 12, 2, 12, 30), "11:30 AM to 12:30 PM"),
        (
            la(2026, 12, 2, 23, 0),
            la(2026, 12, 3, 1, 0),
            "Wed 2 Dec, 11:00 PM to Thu 3 Dec, 1:00 AM",
        ),
    ],
)
def test_time_range_says_am_pm_once_when_both_ends_share_it(start, end, expected):
    assert formats.format_time_range(start, end) == expected


def test_a_passed_zone_overrides_the_clinic_zone():
    moment = dt.datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    assert formats.format_when(moment, ZoneInfo("America/New_York")) == "Wed 2 Dec, 5:30 PM"


def test_the_clinic_zone_follows_settings(settings):
    settings.TIME_ZONE = "America/New_York"
    assert formats.format_when(dt.datetime(2026, 12, 2, 22, 30, tzinfo=UTC)) == (
        "Wed 2 Dec, 5:30 PM"
    )


def test_a_naive_datetime_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        formats.format_when(dt.datetime(2026, 12, 2, 17, 30))  # noqa: DTZ001


def test_the_template_filters_print_the_same_style_and_nothing_for_none():
    template = Template(
        "{% load clinic_time %}{{ a|when }}|{{ a|day }}|{{ a|fulldate }}|{{ a|clock }}|"
        "{{ a|stamp }}|{{ a|time_range:b }}|{{ none|when }}|{{ none|clock|default:'-' }}"
    )
    rendered = template.render(
        Context({"a": la(2026, 12, 2, 17, 30), "b": la(2026, 12, 2, 18, 30), "none": None})
    )
    assert rendered == (
        "Wed 2 Dec, 5:30 PM|Wed 2 Dec|2 Dec 2026|5:30 PM|2 Dec 2026, 5:30 PM|5:30 to 6:30 PM||-"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "December 2, 2026"), ("es", "2 de diciembre de 2026")],
)
def test_a_long_date_spells_out_the_month_in_the_active_language(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert formats.format_long_date(dt.date(2026, 12, 2)) == expected
        # A moment prints the clinic's calendar day: 02:00 UTC on the 3rd is the 2nd there.
        assert formats.format_long_date(dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC)) == expected
