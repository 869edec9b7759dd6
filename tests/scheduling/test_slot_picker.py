"""The slot picker's pure ranking and grouping: what fits a request, in which order, the
filters, one button per time and clinician, and the nearest alternatives per location."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import DayPart
from scheduling.slot_picker import (
    DAY_PARTS,
    Offer,
    alternative_days,
    build_picker,
    distance,
    nearest_alternatives,
    window_index,
)

TZ = ZoneInfo("America/Los_Angeles")
MON = dt.date(2026, 3, 2)
TUE = MON + dt.timedelta(days=1)
WED = MON + dt.timedelta(days=2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def offer(
    day: dt.date,
    hour: int,
    minute: int = 0,
    *,
    clinician: int = 1,
    room: int | None = 10,
    location: int | None = 100,
    location_name: str = "Folsom",
) -> Offer:
    starts = at(day, hour, minute)
    return Offer(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        clinician_id=clinician,
        clinician_name=f"Clinician {clinician}",
        room_id=room,
        room_name="Telehealth" if room is None else f"Room {room}",
        location_id=location,
        location_name=location_name,
    )


def value(o: Offer) -> str:
    return f"{o.starts_at.isoformat()}|{o.clinician_id}|{o.room_id or ''}"


def starts(picker_groups) -> list[list[dt.datetime]]:
    return [[o.offer.starts_at for o in group.options] for group in picker_groups]


# --- parts of day -------------------------------------------------------------------


def test_every_part_of_day_the_request_form_offers_has_hours():
    assert set(DAY_PARTS) == set(DayPart.values)


@pytest.mark.parametrize(
    ("part", "hour", "minute", "fits"),
    [
        ("morning", 7, 45, False),
        ("morning", 8, 0, True),
        ("morning", 11, 45, True),
        ("morning", 12, 0, False),
        ("afternoon", 12, 0, True),
        ("afternoon", 15, 59, True),
        ("afternoon", 16, 0, False),
        ("evening", 16, 0, True),
        ("evening", 18, 45, True),
        ("evening", 19, 0, False),
        ("any", 0, 0, True),
        ("any", 23, 59, True),
    ],
)
def test_a_time_fits_a_part_of_day_when_it_starts_inside_it(part, hour, minute, fits):
    assert (window_index(at(MON, hour, minute), [(MON, part)]) == 0) is fits


def test_a_time_on_another_day_or_an_unknown_part_fits_nothing():
    assert window_index(at(TUE, 9), [(MON, "morning")]) is None
    assert window_index(at(MON, 9), [(MON, "brunch")]) is None
    assert window_index(at(MON, 9), []) is None


def test_the_first_window_a_time_fits_is_the_one_named():
    windows = [(TUE, "morning"), (MON, "any"), (MON, "morning")]
    assert window_index(at(MON, 9), windows) == 1
    assert window_index(at(TUE, 9), windows) == 0


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MON, 9), dt.timedelta(0)),
        (at(MON, 7), dt.timedelta(hours=1)),
        (at(MON, 13), dt.timedelta(hours=1)),
        (at(TUE, 8), dt.timedelta(hours=20)),  # Mon noon to Tue 8:00
    ],
)
def test_distance_is_the_gap_to_the_nearest_window_edge(moment, expected):
    assert distance(moment, [(MON, "morning")]) == expected


def test_distance_takes_the_nearest_of_several_windows_and_is_zero_without_any():
    windows = [(MON, "morning"), (WED, "afternoon")]
    assert distance(at(WED, 11), windows) == dt.timedelta(hours=1)
    assert distance(at(WED, 11), []) == dt.timedelta(0)


# --- the picker -------------------------------------------------------------------


def test_fitting_times_come_first_in_the_patients_order_then_each_days_others():
    offers = [
        offer(MON, 9),
        offer(MON, 14),
        offer(TUE, 9),
        offer(TUE, 14),
        offer(WED, 10),
    ]
    # First choice Tuesday afternoon, second Monday morning.
    picker = build_picker(
        offers,
        windows=[(TUE, "afternoon"), (MON, "morning")],
        value_of=value,
        part_labels={"afternoon": "Afternoon", "morning": "Morning"},
    )
    assert [(g.day, g.fits, g.window_label) for g in picker.groups] == [
        (TUE, True, "Afternoon"),
        (MON, True, "Morning"),
        (MON, False, ""),
        (TUE, False, ""),
        (WED, False, ""),
    ]
    assert starts(picker.groups) == [
        [at(TUE, 14)],
        [at(MON, 9)],
        [at(MON, 14)],
        [at(TUE, 9)],
        [at(WED, 10)],
    ]
    assert picker.first.offer.starts_at == at(TUE, 14)
    assert picker.first.fits
    assert (picker.total, picker.fitting) == (5, 2)
    assert all(not o.fits for g in picker.groups[2:] for o in g.options)


def test_a_days_times_stay_in_time_order_whatever_the_input_order():
    picker = build_picker(
        [offer(MON, 11), offer(MON, 9), offer(MON, 10)], windows=[], value_of=value
    )
    assert starts(picker.groups) == [[at(MON, 9), at(MON, 10), at(MON, 11)]]


def test_one_button_per_time_and_clinician_with_the_first_free_room():
    offers = [
        offer(MON, 9, room=10),
        offer(MON, 9, room=11),
        offer(MON, 9, clinician=2, room=10),
    ]
    picker = build_picker(offers, windows=[], value_of=value)
    shown = [(o.offer.clinician_id, o.offer.room_id) for o in picker.groups[0].options]
    assert shown == [(1, 10), (2, 10)]
    assert picker.groups[0].options[0].value == value(offers[0])
    # The filters' choices list every room offered, by name.
    assert picker.rooms == ((10, "Room 10"), (11, "Room 11"))
    assert picker.clinicians == ((1, "Clinician 1"), (2, "Clinician 2"))


def test_the_room_filter_offers_that_room_and_the_clinician_filter_that_clinician():
    offers = [
        offer(MON, 9, room=10),
        offer(MON, 9, room=11),
        offer(MON, 10, clinician=2, room=11),
    ]
    by_room = build_picker(offers, windows=[], value_of=value, room_id=11)
    assert [(o.offer.clinician_id, o.offer.room_id) for o in by_room.groups[0].options] == [
        (1, 11),
        (2, 11),
    ]
    by_clinician = build_picker(offers, windows=[], value_of=value, clinician_id=2)
    assert starts(by_clinician.groups) == [[at(MON, 10)]]
    # Choices still come from every offer, so the desk can widen the filter again.
    assert by_clinician.clinicians == ((1, "Clinician 1"), (2, "Clinician 2"))


def test_a_filter_that_matches_nothing_gives_an_empty_picker():
    picker = build_picker([offer(MON, 9)], windows=[(MON, "morning")], value_of=value, room_id=99)
    assert picker.groups == ()
    assert picker.first is None
    assert (picker.total, picker.fitting) == (0, 0)


def test_no_offers_no_groups():
    picker = build_picker([], windows=[(MON, "any")], value_of=value)
    assert (picker.groups, picker.clinicians, picker.rooms, picker.first) == ((), (), (), None)


def test_telehealth_offers_have_no_room_to_filter_by():
    picker = build_picker(
        [offer(MON, 9, room=None, location=None, location_name="Telehealth (video)")],
        windows=[(MON, "morning")],
        value_of=value,
    )
    assert picker.rooms == ()
    assert picker.first.offer.room_name == "Telehealth"


def test_a_window_named_twice_groups_its_times_under_the_first():
    picker = build_picker([offer(MON, 9)], windows=[(MON, "morning"), (MON, "any")], value_of=value)
    assert [(g.window, len(g.options)) for g in picker.groups] == [("morning", 1)]


# --- alternatives ------------------------------------------------------------------


def test_alternatives_are_the_nearest_few_per_location_nearest_location_first():
    windows = [(MON, "morning")]
    offers = [
        # Roseville: nothing on Monday; Tuesday morning is 20 hours off.
        offer(TUE, 8, location=3, location_name="Roseville"),
        offer(TUE, 9, location=3, location_name="Roseville"),
        offer(WED, 9, location=3, location_name="Roseville"),
        offer(WED, 10, location=3, location_name="Roseville"),
        # Folsom: Monday afternoon, one hour off.
        offer(MON, 13, location=1, location_name="Folsom"),
        offer(MON, 15, location=1, location_name="Folsom"),
        # Sacramento: the same distance as Folsom's best, so by name after it.
        offer(MON, 7, location=2, location_name="Sacramento"),
    ]
    found = nearest_alternatives(offers, windows=windows, value_of=value, per_location=3)
    assert [g.location_name for g in found] == ["Folsom", "Sacramento", "Roseville"]
    roseville = found[2]
    assert [o.offer.starts_at for o in roseville.options] == [
        at(TUE, 8),
        at(TUE, 9),
        at(WED, 9),
    ]
    assert not any(o.fits for g in found for o in g.options)


def test_an_alternative_inside_a_window_is_marked_as_fitting():
    found = nearest_alternatives(
        [offer(MON, 9, location=2, location_name="Sacramento")],
        windows=[(MON, "morning")],
        value_of=value,
    )
    assert found[0].options[0].fits
    assert found[0].options[0].value == value(found[0].options[0].offer)


def test_alternatives_show_one_button_per_time_and_clinician_and_nothing_for_no_offers():
    offers = [offer(MON, 13, room=10), offer(MON, 13, room=11)]
    found = nearest_alternatives(offers, windows=[(MON, "morning")], value_of=value)
    assert [o.offer.room_id for o in found[0].options] == [10]
    assert nearest_alternatives([], windows=[(MON, "morning")], value_of=value) == ()


@pytest.mark.parametrize(
    ("windows", "today", "expected"),
    [
        (
            [(WED, "any")],
            MON - dt.timedelta(days=7),
            (WED - dt.timedelta(days=3), WED + dt.timedelta(days=7)),
        ),
        # Never before today.
        ([(TUE, "any"), (WED, "morning")], MON, (MON, WED + dt.timedelta(days=7))),
        # Windows already past: from today.
        ([(MON, "any")], WED + dt.timedelta(days=10), (WED + dt.timedelta(days=10),) * 2),
        ([], MON, (MON, MON + dt.timedelta(days=7))),
    ],
)
def test_alternative_days(windows, today, expected):
    assert alternative_days(windows, today=today) == expected


def test_a_time_inside_a_window_ranks_before_one_at_its_closing_edge():
    """Monday 12:00 is at distance zero from the morning but outside it."""
    offers = [
        offer(MON, 12, location=1, location_name="Folsom"),
        offer(MON, 11, location=2, location_name="Sacramento"),
    ]
    found = nearest_alternatives(offers, windows=[(MON, "morning")], value_of=value)
    assert [g.location_name for g in found] == ["Sacramento", "Folsom"]
    assert [o.fits for g in found for o in g.options] == [True, False]
