"""The estimate clock counts business days: weekends and clinic holidays do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduling.billing import (
    DeadlineRule,
    EstimateReason,
    add_business_days,
    business_days_between,
    estimate_due_on,
    exceeds_estimate,
    money,
)

D = dt.date
# Thanksgiving week 2026: Thu 26 and Fri 27 Nov are clinic holidays.
HOLIDAYS = {D(2026, 11, 26), D(2026, 11, 27), D(2026, 12, 25)}
RULE = DeadlineRule()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 12, 7), 1, D(2026, 12, 8)),  # Mon -> Tue
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Fri -> Mon, over the weekend
        (D(2026, 12, 5), 1, D(2026, 12, 7)),  # Sat -> Mon
        (D(2026, 11, 25), 1, D(2026, 11, 30)),  # Wed -> Mon, over the holidays and weekend
        (D(2026, 11, 24), 3, D(2026, 12, 1)),  # Tue: Wed, Mon, Tue
        (D(2026, 12, 24), 1, D(2026, 12, 28)),  # Thu before Christmas -> Mon
    ],
)
def test_business_days_skip_weekends_and_clinic_holidays(
    start: dt.date, n: int, expected: dt.date
) -> None:
    assert add_business_days(start, n, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 7), D(2026, 12, 10), 3),  # Mon -> Thu
        (D(2026, 12, 4), D(2026, 12, 7), 1),  # Fri -> Mon
        (D(2026, 11, 25), D(2026, 12, 1), 2),  # Wed -> Tue over Thanksgiving
        (D(2026, 12, 7), D(2026, 12, 7), 0),
        (D(2026, 12, 8), D(2026, 12, 7), 0),
    ],
)
def test_how_far_ahead_counts_business_days(start: dt.date, end: dt.date, expected: int) -> None:
    assert business_days_between(start, end, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("reason", "arose_on", "service_on", "expected"),
    [
        # 12 business days ahead: 3 business days, from Wed 25 Nov over the holidays.
        (EstimateReason.SCHEDULED, D(2026, 11, 25), D(2026, 12, 14), D(2026, 12, 2)),
        # 10 ahead exactly is "far".
        (EstimateReason.SCHEDULED, D(2026, 12, 7), D(2026, 12, 21), D(2026, 12, 10)),
        # 9 ahead is "near": 1 business day, Friday -> Monday.
        (EstimateReason.SCHEDULED, D(2026, 12, 4), D(2026, 12, 17), D(2026, 12, 7)),
        # 3 ahead: near.
        (EstimateReason.SCHEDULED, D(2026, 12, 7), D(2026, 12, 10), D(2026, 12, 8)),
        # 2 ahead: the law sets no deadline.
        (EstimateReason.SCHEDULED, D(2026, 12, 7), D(2026, 12, 9), None),
        # Asked for on the Wednesday before Thanksgiving: the next business day is Monday.
        (EstimateReason.REQUESTED, D(2026, 11, 25), None, D(2026, 11, 30)),
    ],
)
def test_the_estimate_deadline_follows_the_rule(
    reason: EstimateReason, arose_on: dt.date, service_on: dt.date | None, expected: dt.date | None
) -> None:
    due = estimate_due_on(
        reason=reason, arose_on=arose_on, service_on=service_on, holidays=HOLIDAYS, rule=RULE
    )
    assert due == expected


@pytest.mark.parametrize(
    ("actual", "estimate", "warned"),
    [(340000, 300000, True), (339999, 300000, False), (300000, 300000, False), (0, 300000, False)],
)
def test_a_bill_400_dollars_over_the_estimate_is_flagged(
    actual: int, estimate: int, warned: bool
) -> None:
    assert (
        exceeds_estimate(actual_cents=actual, estimate_cents=estimate, threshold_cents=40000)
        is warned
    )


@pytest.mark.parametrize(
    ("cents", "text"), [(50000, "$500.00"), (270000, "$2,700.00"), (-2550, "-$25.50"), (5, "$0.05")]
)
def test_money_is_printed_from_integer_cents(cents: int, text: str) -> None:
    assert money(cents) == text
