"""Dose spacing, pure and exhaustive: a minimum gap per modality either way round, and at
most N dissociative doses per patient per clinic day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduling.spacing import Dose, SpacingRule, spacing_clash, widest_gap

TZ = ZoneInfo("America/Los_Angeles")
H = dt.timedelta(hours=1)
RULES = {
    "iv": SpacingRule(36 * H, is_dissociative=True),
    "spravato": SpacingRule(36 * H, is_dissociative=True),
    "kap": SpacingRule(24 * H, is_dissociative=True),
    "other": SpacingRule(0 * H, is_dissociative=False),
}


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("candidate", "others", "limit", "expected"),
    [
        # Nothing else booked: nothing to clash with.
        (Dose(at(8, 10), "iv"), [], 1, None),
        # Same modality, 48 h apart: kept. 35 h apart: too close, before or after.
        (Dose(at(10, 10), "iv"), [Dose(at(8, 10), "iv", "a")], 1, None),
        (Dose(at(9, 21), "iv"), [Dose(at(8, 10), "iv", "a")], 1, ("a", "gap")),
        (Dose(at(7, 23), "iv"), [Dose(at(8, 10), "iv", "a")], 1, ("a", "gap")),
        # Exactly the minimum is enough.
        (Dose(at(9, 22), "iv"), [Dose(at(8, 10), "iv", "a")], 1, None),
        # Another modality the next day: no gap rule between modalities.
        (Dose(at(9, 10), "spravato"), [Dose(at(8, 10), "iv", "a")], 1, None),
        # IV 10:45 and Spravato 12:45 the same day: one dissociative dose a day.
        (Dose(at(8, 12, 45), "spravato"), [Dose(at(8, 10, 45), "iv", "a")], 1, ("a", "per_day")),
        # A clinic allowing two a day lets the second through, not a third.
        (Dose(at(8, 12, 45), "spravato"), [Dose(at(8, 10, 45), "iv", "a")], 2, None),
        (
            Dose(at(8, 15), "kap"),
            [Dose(at(8, 9), "iv", "a"), Dose(at(8, 12), "spravato", "b")],
            2,
            ("a", "per_day"),
        ),
        # 0 means no daily limit.
        (Dose(at(8, 12, 45), "spravato"), [Dose(at(8, 10, 45), "iv", "a")], 0, None),
        # The day is the clinic's: 23:30 on the 7th and 00:30 on the 8th are two days.
        (Dose(at(8, 0, 30), "kap"), [Dose(at(7, 23, 30), "spravato", "a")], 1, None),
        # A modality that is not dissociative neither counts nor is counted.
        (Dose(at(8, 12), "other"), [Dose(at(8, 10), "iv", "a")], 1, None),
        (Dose(at(8, 12), "iv"), [Dose(at(8, 10), "other", "a")], 1, None),
        # A modality without a rule is not limited.
        (Dose(at(8, 12), "unknown"), [Dose(at(8, 10), "iv", "a")], 1, None),
        # The gap is named before the day's count when both apply.
        (Dose(at(8, 12), "iv"), [Dose(at(8, 10), "iv", "a")], 1, ("a", "gap")),
        # KAP: 24 h.
        (Dose(at(9, 9), "kap"), [Dose(at(8, 10), "kap", "a")], 1, ("a", "gap")),
        (Dose(at(9, 10), "kap"), [Dose(at(8, 10), "kap", "a")], 1, None),
    ],
)
def test_spacing_clash(candidate, others, limit, expected) -> None:
    clash = spacing_clash(
        candidate=candidate, others=others, rules=RULES, max_dissociative_per_day=limit, tz=TZ
    )
    if expected is None:
        assert clash is None
    else:
        assert clash is not None
        assert (clash.other.key, clash.why) == expected


def test_the_widest_gap_is_at_least_a_day() -> None:
    assert widest_gap(RULES) == 36 * H
    assert widest_gap({"kap": SpacingRule(2 * H)}) == 24 * H
    assert widest_gap({}) == 24 * H
