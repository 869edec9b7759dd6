"""The relapse rule on PHQ-9 histories since induction (oldest first, newest last)."""

from __future__ import annotations

import pytest

from integration.relapse import CROSSING, RISE, relapse_signal


@pytest.mark.parametrize(
    ("history", "rule", "nadir_index"),
    [
        # Too little history to compare.
        ([], None, None),
        ([22], None, None),
        # Steady improvement after induction.
        ([22, 18, 12, 8, 6], None, None),
        # Rise of exactly 5 from the lowest.
        ([20, 12, 6, 4, 9], RISE, 3),
        # Rise of 4: not yet a signal, and 8 is not a crossing.
        ([20, 12, 6, 4, 8], None, None),
        # Crossing back to 10 from under 10, only a 2-point rise.
        ([20, 14, 9, 8, 10], CROSSING, 3),
        # Crossing to exactly 10 from 9.
        ([18, 9, 10], CROSSING, 1),
        # Still above 10 and never under: not a crossing, no rise from lowest.
        ([24, 19, 15, 12, 14], None, None),
        # Big rise also counts as rise (rise wins when both hold).
        ([20, 8, 3, 12], RISE, 2),
        # Already at 10+ last time: no new crossing; rise only 4 from the lowest 8.
        ([18, 8, 11, 12], None, None),
        # ... but a fifth point above the lowest is a rise on the same nadir.
        ([18, 8, 11, 13], RISE, 1),
        # The most recent lowest is the nadir: a new episode after recovery.
        ([18, 5, 11, 5, 10], RISE, 3),
        # Lower than the rise threshold and under 10: nothing.
        ([10, 2, 6], None, None),
        # Falling from a high score to 10 (4 above the lowest) is not a crossing.
        ([25, 6, 17, 10], None, None),
        # Still 6 above the lowest, though better than last week: the rise stands.
        ([25, 6, 17, 12], RISE, 1),
    ],
)
def test_relapse_rule(history: list[int], rule: str | None, nadir_index: int | None) -> None:
    signal = relapse_signal(history)
    if rule is None:
        assert signal is None
    else:
        assert signal is not None
        assert signal.rule == rule
        assert signal.nadir_index == nadir_index
        assert signal.latest == history[-1]


def test_reason_reads_for_a_clinician() -> None:
    signal = relapse_signal([20, 6, 4, 11])
    assert signal is not None
    assert signal.reason == "PHQ-9 rose to 11, 7 points above the lowest since induction (4)."
    crossing = relapse_signal([20, 9, 10])
    assert crossing is not None
    assert crossing.reason == "PHQ-9 is back to 10 (from 9), at or above 10."


def test_clinic_may_change_the_numbers() -> None:
    assert relapse_signal([20, 6, 9], rise_points=3) is not None
    assert relapse_signal([20, 6, 9]) is None
    assert relapse_signal([20, 11, 12], threshold=12) is not None
    assert relapse_signal([20, 11, 12]) is None
