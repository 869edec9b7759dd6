"""Protocol rules: planned dates, minimum spacing, Spravato crossing into maintenance,
KAP preparation and pairing, booster due dates and reminders. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from treatments import protocols as p

MON = dt.date(2026, 3, 2)  # a Monday


def dates(plan: list[p.PlannedDate]) -> list[dt.date]:
    return [x.target_date for x in plan]


def d(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def test_iv_induction_plans_six_infusions_inside_two_to_three_weeks() -> None:
    plan = p.plan_sessions(MON, p.iv_induction_steps(), min_spacing_days=2)
    assert dates(plan) == [d(0), d(2), d(4), d(7), d(9), d(11)]
    assert [x.sequence for x in plan] == [1, 2, 3, 4, 5, 6]
    assert all(x.phase == "induction" and x.kind == "dosing" for x in plan)
    span = (plan[-1].target_date - plan[0].target_date).days
    assert 14 <= span + 7 <= 21  # the last infusion falls in week 2-3


@pytest.mark.parametrize(
    ("min_spacing", "expected"),
    [
        (0, [0, 2, 4, 7, 9, 11]),
        (1, [0, 2, 4, 7, 9, 11]),
        (2, [0, 2, 4, 7, 9, 11]),
        (3, [0, 3, 6, 9, 12, 15]),
        (4, [0, 4, 8, 12, 16, 20]),
    ],
)
def test_iv_minimum_spacing_pushes_infusions_later(min_spacing: int, expected: list[int]) -> None:
    plan = p.plan_sessions(MON, p.iv_induction_steps(), min_spacing_days=min_spacing)
    assert dates(plan) == [d(x) for x in expected]
    assert p.spacing_violations(dates(plan), min_spacing_days=min_spacing) == []


def test_a_negative_minimum_spacing_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        p.plan_sessions(MON, p.iv_induction_steps(), min_spacing_days=-1)


@pytest.mark.parametrize(
    ("given", "spacing", "violations"),
    [
        ([d(0), d(1), d(3)], 2, [1]),
        ([d(0), d(2), d(4)], 2, []),
        ([d(4), d(0), d(1)], 2, [1]),  # order does not matter
        ([], 2, []),
        ([d(0)], 5, []),
    ],
)
def test_spacing_violations_are_found(
    given: list[dt.date], spacing: int, violations: list[int]
) -> None:
    assert p.spacing_violations(given, min_spacing_days=spacing) == violations


def test_spravato_is_twice_weekly_for_four_weeks_then_weekly_then_week_nine() -> None:
    plan = p.plan_sessions(MON, p.spravato_steps(week9_every_weeks=1, week9_sessions=2))
    assert dates(plan) == [d(x) for x in (0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 56, 63)]
    for week in range(4):  # twice in each of weeks 1-4
        in_week = [x for x in dates(plan) if week * 7 <= (x - MON).days < week * 7 + 7]
        assert len(in_week) == 2
    for week in range(4, 8):  # once in each of weeks 5-8
        in_week = [x for x in dates(plan) if week * 7 <= (x - MON).days < week * 7 + 7]
        assert len(in_week) == 1


def test_a_spravato_course_crosses_into_maintenance_after_week_four() -> None:
    plan = p.plan_sessions(MON, p.spravato_steps(week9_every_weeks=2, week9_sessions=3))
    phases = [x.phase for x in plan]
    assert phases == ["induction"] * 8 + ["maintenance"] * 7
    first_maintenance = plan[8]
    assert first_maintenance.target_date == d(28)
    assert dates(plan)[-3:] == [d(56), d(70), d(84)]  # every two weeks from week 9


@pytest.mark.parametrize(("every", "sessions"), [(3, 1), (0, 1), (1, -1)])
def test_spravato_from_week_nine_is_weekly_or_fortnightly_only(every: int, sessions: int) -> None:
    with pytest.raises(ValueError, match=r"week 9|negative"):
        p.spravato_steps(week9_every_weeks=every, week9_sessions=sessions)


def test_kap_starts_with_preparation_then_doses_each_paired_with_integration() -> None:
    plan = p.plan_sessions(MON, p.kap_steps(dosing_sessions=3, every_days=7))
    assert [(x.kind, x.paired_integration) for x in plan] == [
        ("preparation", False),
        ("dosing", True),
        ("dosing", True),
        ("dosing", True),
    ]
    assert dates(plan) == [d(0), d(7), d(14), d(21)]


def test_kap_spacing_ignores_the_preparation_session() -> None:
    plan = p.plan_sessions(
        MON,
        p.kap_steps(dosing_sessions=2, every_days=2, preparation_lead_days=1),
        min_spacing_days=3,
    )
    assert dates(plan) == [d(0), d(1), d(4)]


@pytest.mark.parametrize(
    "kwargs", [{"dosing_sessions": 0}, {"every_days": 0}, {"preparation_lead_days": -1}]
)
def test_kap_protocol_rejects_nonsense(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="KAP"):
        p.kap_steps(**kwargs)


@pytest.mark.parametrize(("modality", "count"), [("iv", 6), ("spravato", 14), ("kap", 7)])
def test_each_modality_has_default_steps(modality: str, count: int) -> None:
    assert len(p.default_steps(modality)) == count


def test_an_unknown_modality_has_no_protocol() -> None:
    with pytest.raises(ValueError, match="Unknown"):
        p.default_steps("oral")


def test_steps_survive_a_round_trip_through_the_admin_json() -> None:
    steps = p.kap_steps(dosing_sessions=2)
    assert [p.Step.from_dict(s.as_dict()) for s in steps] == steps


@pytest.mark.parametrize(
    ("last", "interval", "due"),
    [
        (dt.date(2026, 3, 13), 18, dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 13), 28, dt.date(2026, 4, 10)),
        (dt.date(2026, 12, 20), 21, dt.date(2027, 1, 10)),  # across the year end
        (dt.date(2028, 2, 1), 28, dt.date(2028, 2, 29)),  # a leap day
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 1)),
    ],
)
def test_booster_due_dates_follow_the_clinicians_interval(
    last: dt.date, interval: int, due: dt.date
) -> None:
    assert p.booster_due(last, interval) == due


def test_a_booster_interval_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        p.booster_due(MON, 0)


@pytest.mark.parametrize(
    ("before", "after", "due_on", "overdue_on"),
    [(3, 1, d(11), d(15)), (0, 0, d(14), d(14)), (7, 3, d(7), d(17))],
)
def test_booster_reminders_come_before_the_due_date_and_again_after(
    before: int, after: int, due_on: dt.date, overdue_on: dt.date
) -> None:
    reminders = p.booster_reminder_dates(d(14), days_before=before, days_after=after)
    assert reminders.due_reminder_on == due_on
    assert reminders.overdue_reminder_on == overdue_on


def test_negative_reminder_offsets_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        p.booster_reminder_dates(MON, days_before=-1, days_after=0)


@pytest.mark.parametrize(
    ("modality", "done", "total", "label"),
    [
        ("iv", 3, 6, "infusion 3 of 6"),
        ("iv", 0, 6, "infusion 0 of 6"),
        ("iv", 9, 6, "infusion 6 of 6"),
        ("spravato", 1, 8, "treatment 1 of 8"),
        ("kap", 2, 6, "session 2 of 6"),
        ("iv", 0, 0, "no infusions planned"),
    ],
)
def test_progress_reads_like_a_clinician_would_say_it(
    modality: str, done: int, total: int, label: str
) -> None:
    assert p.progress_label(modality, done, total) == label
