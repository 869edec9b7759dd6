"""Session rules: the pre-dose blood pressure threshold, each condition of the
discharge gate, and the REMS form window counted in the clinic's zone. No database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from treatments import rules as r

PACIFIC = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


@pytest.mark.parametrize(
    ("sys", "dia", "above"),
    [
        (120, 80, False),
        (160, 100, False),  # at the threshold is not above it
        (161, 80, True),
        (150, 101, True),
        (190, 120, True),
    ],
)
def test_pre_dose_blood_pressure_above_the_threshold_warns(sys: int, dia: int, above: bool) -> None:
    check = r.pre_dose_bp_check(systolic=sys, diastolic=dia, max_systolic=160, max_diastolic=100)
    assert check.above_threshold is above
    assert (f"{sys}/{dia}" in check.message) is above


@pytest.mark.parametrize(
    ("above", "reason", "missing"),
    [
        (True, "", True),
        (True, "   ", True),
        (True, "white coat; rechecked 150/95", False),
        (False, "", False),
    ],
)
def test_dosing_above_the_threshold_needs_a_recorded_reason(
    above: bool, reason: str, missing: bool
) -> None:
    check = r.BloodPressureCheck(above, "x")
    assert r.pre_dose_reason_missing(check, reason) is missing


NOON = dt.datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
READY = r.DischargeFacts(
    modality="iv",
    pre_discharge_vitals_recorded=True,
    escort_name="Sam Rivera",
    escort_phone="(916) 555-0189",
    escort_confirmed=True,
    aftercare_reviewed=True,
    first_device_at=None,
    now=NOON,
    bp40_recorded=True,
)


def test_an_iv_session_with_everything_done_may_be_discharged() -> None:
    assert r.discharge_gaps(READY) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"pre_discharge_vitals_recorded": False}, "Pre-discharge vitals"),
        ({"escort_name": ""}, "needs a name and a phone"),
        ({"escort_phone": " "}, "needs a name and a phone"),
        ({"escort_confirmed": False}, "is not confirmed"),
        ({"aftercare_reviewed": False}, "aftercare checklist"),
    ],
)
def test_each_unmet_discharge_condition_is_named(change: dict[str, object], expected: str) -> None:
    gaps = r.discharge_gaps(dataclasses.replace(READY, **change))
    assert len(gaps) == 1
    assert expected in gaps[0]


def test_everything_missing_is_listed_at_once() -> None:
    facts = dataclasses.replace(
        READY,
        modality="spravato",
        pre_discharge_vitals_recorded=False,
        escort_name="",
        aftercare_reviewed=False,
    )
    assert len(r.discharge_gaps(facts)) == 4


@pytest.mark.parametrize(
    ("minutes_since_first_device", "blocked", "to_go"),
    [(0, True, "120 minutes"), (119, True, "1 minutes"), (120, False, ""), (200, False, "")],
)
def test_spravato_needs_two_hours_since_the_first_device(
    minutes_since_first_device: int, blocked: bool, to_go: str
) -> None:
    facts = dataclasses.replace(
        READY,
        modality="spravato",
        first_device_at=NOON - dt.timedelta(minutes=minutes_since_first_device),
    )
    gaps = r.discharge_gaps(facts)
    assert bool(gaps) is blocked
    if blocked:
        assert to_go in gaps[0]


def test_the_spravato_observation_time_is_the_clinics_setting() -> None:
    facts = dataclasses.replace(
        READY,
        modality="spravato",
        first_device_at=NOON - dt.timedelta(minutes=130),
        spravato_observation_minutes=150,
    )
    assert "20 minutes to go" in r.discharge_gaps(facts)[0]


def test_spravato_without_a_first_device_time_cannot_be_discharged() -> None:
    facts = dataclasses.replace(READY, modality="spravato", first_device_at=None)
    assert r.discharge_gaps(facts) == ["The time of the first Spravato device is not recorded."]


def test_the_first_device_rule_does_not_apply_to_iv_or_kap() -> None:
    for modality in ("iv", "kap"):
        assert r.discharge_gaps(dataclasses.replace(READY, modality=modality)) == []


def pacific(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=PACIFIC)


@pytest.mark.parametrize(
    ("ended", "now", "due_on", "days_left", "label"),
    [
        (pacific(2026, 3, 2), pacific(2026, 3, 2), dt.date(2026, 3, 9), 7, "7 days left"),
        # across the end of January (31 days) and of February (28 days)
        (pacific(2026, 1, 28), pacific(2026, 1, 31), dt.date(2026, 2, 4), 4, "4 days left"),
        (pacific(2026, 2, 25), pacific(2026, 3, 1), dt.date(2026, 3, 4), 3, "3 days left"),
        (pacific(2028, 2, 25), pacific(2028, 3, 1), dt.date(2028, 3, 3), 2, "2 days left"),
        (pacific(2026, 12, 29), pacific(2027, 1, 4), dt.date(2027, 1, 5), 1, "1 day left"),
        (pacific(2026, 4, 28), pacific(2026, 5, 5), dt.date(2026, 5, 5), 0, "due today"),
        (pacific(2026, 4, 28), pacific(2026, 5, 7), dt.date(2026, 5, 5), -2, "overdue by 2 days"),
        (pacific(2026, 4, 28), pacific(2026, 5, 6), dt.date(2026, 5, 5), -1, "overdue by 1 day"),
    ],
)
def test_rems_form_days_left_count_calendar_days_across_month_ends(
    ended: dt.datetime, now: dt.datetime, due_on: dt.date, days_left: int, label: str
) -> None:
    window = r.rems_form_window(session_ended_at=ended, now=now, days=7, zone="America/Los_Angeles")
    assert window.due_on == due_on
    assert window.days_left == days_left
    assert window.overdue is (days_left < 0)
    assert window.label == label


def test_rems_days_are_counted_in_the_clinics_zone_not_utc() -> None:
    # 21:30 Pacific on 31 Jan is already 1 Feb in UTC; the clinic's day is 31 Jan.
    ended = dt.datetime(2026, 2, 1, 5, 30, tzinfo=UTC)
    now = dt.datetime(2026, 2, 7, 18, 0, tzinfo=UTC)  # 7 Feb 10:00 Pacific
    window = r.rems_form_window(session_ended_at=ended, now=now, days=7, zone="America/Los_Angeles")
    assert window.due_on == dt.date(2026, 2, 7)
    assert window.days_left == 0


def test_rems_window_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        r.rems_form_window(
            session_ended_at=dt.datetime(2026, 1, 1),  # noqa: DTZ001 - the point of the test
            now=NOON,
            days=7,
            zone="America/Los_Angeles",
        )


@pytest.mark.parametrize(
    ("nausea", "dizziness", "bp", "self_harm", "concerning", "reasons"),
    [
        ("none", "none", False, False, False, ()),
        ("mild", "moderate", False, False, False, ()),
        ("severe", "none", False, False, True, ("severe nausea",)),
        ("none", "severe", False, False, True, ("severe dizziness",)),
        ("none", "none", True, False, True, ("a blood pressure concern",)),
        ("none", "none", False, True, True, ("thoughts of self-harm",)),
    ],
)
def test_next_day_checkin_answers_that_reach_the_clinician(
    nausea: str,
    dizziness: str,
    bp: bool,
    self_harm: bool,
    concerning: bool,
    reasons: tuple[str, ...],
) -> None:
    outcome = r.aftercare_checkin_outcome(
        nausea=nausea, dizziness=dizziness, bp_concern=bp, self_harm_thoughts=self_harm
    )
    assert outcome.concerning is concerning
    assert outcome.self_harm is self_harm
    assert outcome.reasons == reasons
    # The safety alert tells the other concerns beside self-harm, never self-harm twice.
    assert outcome.other_reasons == tuple(r for r in reasons if r != "thoughts of self-harm")


def test_spravato_without_the_40_minute_reading_cannot_be_discharged() -> None:
    facts = dataclasses.replace(
        READY,
        modality="spravato",
        first_device_at=NOON - dt.timedelta(minutes=130),
        bp40_recorded=False,
    )
    assert r.discharge_gaps(facts) == [
        "REMS: the blood pressure at about 40 minutes is not recorded."
    ]


# ---------------------------------------------------------------- the chart opens from its visit

TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("modality", "status", "day_offset", "expected"),
    [
        ("iv", "checked_in", 0, ""),
        ("spravato", "checked_in", 0, ""),
        ("kap", "checked_in", 0, ""),
        ("iv", "scheduled", 0, "not checked in yet"),
        ("iv", "checked_in", 2, "its chart opens on the day"),
        ("iv", "scheduled", 2, "its chart opens on the day"),
        ("iv", "checked_in", -1, "only on the visit's day"),
        ("iv", "completed", 0, "already completed"),
        ("iv", "no_show", 0, "no-show"),
        ("iv", "cancelled", 0, "cancelled"),
        ("", "checked_in", 0, "no dose"),
    ],
)
def test_a_chart_opens_only_from_todays_checked_in_dosing_visit(
    modality: str, status: str, day_offset: int, expected: str
) -> None:
    refusal = r.chart_refusal(
        service_modality=modality,
        appointment_status=status,
        visit_day=TODAY + dt.timedelta(days=day_offset),
        today=TODAY,
    )
    if expected:
        assert expected in refusal
    else:
        assert refusal == ""


STAMP = NOON
OPENED = NOON - dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    ("stamped", "minutes_back", "reason", "expected"),
    [
        (STAMP, 5, "pressed late", ""),
        (STAMP, 20, "pressed late", ""),  # exactly the chart's opening
        (STAMP, 21, "pressed late", "before the patient was checked in"),
        (STAMP, 0, "pressed late", "only moves the time back"),
        (STAMP, -1, "pressed late", "only moves the time back"),
        (STAMP, -90, "pressed late", "in the future"),
        (STAMP, 5, "  ", "Say why"),
        (None, 5, "pressed late", "Record the dose with the button first"),
    ],
)
def test_a_dose_time_is_corrected_only_backwards_and_never_before_the_chart_opened(
    stamped: dt.datetime | None, minutes_back: int, reason: str, expected: str
) -> None:
    refusal = r.dose_time_correction_refusal(
        stamped_at=stamped,
        corrected_at=STAMP - dt.timedelta(minutes=minutes_back),
        not_before=OPENED,
        now=NOON + dt.timedelta(minutes=1),
        reason=reason,
    )
    if expected:
        assert expected in refusal
    else:
        assert refusal == ""


@pytest.mark.parametrize(
    ("minutes", "too_early", "late"),
    [
        (0, True, False),
        (29, True, False),
        (30, False, False),
        (40, False, False),
        (50, False, False),
        (51, False, True),
        (90, False, True),
    ],
)
def test_the_40_minute_reading_counts_from_the_first_device(
    minutes: int, too_early: bool, late: bool
) -> None:
    check = r.bp40_check(
        first_device_at=NOON,
        now=NOON + dt.timedelta(minutes=minutes, seconds=30),
        window_start=30,
        window_end=50,
    )
    assert (check.minutes, check.too_early, check.late) == (minutes, too_early, late)
    assert bool(check.message) is (too_early or late)
