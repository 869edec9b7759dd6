"""PHQ-9, GAD-7 and the C-SSRS screener: every band boundary, every skip path."""

from __future__ import annotations

import itertools

import pytest

from intake.instruments import (
    ANSWER_CHOICES,
    GAD7_QUESTIONS,
    PHQ9_QUESTIONS,
    cssrs_needs_safety_path,
    cssrs_questions_to_ask,
    cssrs_risk,
    gad7_score,
    phq9_score,
)


def items_totalling(total: int, count: int, *, last: int = 0) -> list[int]:
    """`count` items summing to `total`, with the last item fixed at `last`."""
    rest = total - last
    values = []
    for _ in range(count - 1):
        take = min(3, rest)
        values.append(take)
        rest -= take
    assert rest == 0, "total out of reach"
    return [*values, last]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands_at_every_boundary(total: int, band: str) -> None:
    score = phq9_score(items_totalling(total, 9))
    assert (score.total, score.band, score.safety_flag) == (total, band, False)


def test_phq9_top_score_is_27_severe_and_flags_item_9() -> None:
    score = phq9_score([3] * 9)
    assert (score.total, score.band, score.safety_flag) == (27, "severe", True)


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item_9_above_zero_always_raises_the_safety_flag(item9: int, flag: bool) -> None:
    score = phq9_score([0] * 8 + [item9])
    assert score.safety_flag is flag
    assert score.band == "minimal"  # even a "minimal" total with item 9 is flagged


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_every_boundary(total: int, band: str) -> None:
    score = gad7_score(items_totalling(total, 7, last=min(3, total)))
    assert (score.total, score.band, score.safety_flag) == (total, band, False)


@pytest.mark.parametrize(
    "items",
    [[0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1], [0] * 8 + [True], [0] * 8 + ["1"]],
)
def test_phq9_refuses_what_is_not_nine_answers_from_0_to_3(items: list) -> None:
    with pytest.raises(ValueError, match="PHQ-9"):
        phq9_score(items)


@pytest.mark.parametrize("items", [[0] * 6, [0] * 8, [0] * 6 + [4]])
def test_gad7_refuses_what_is_not_seven_answers_from_0_to_3(items: list) -> None:
    with pytest.raises(ValueError, match="GAD-7"):
        gad7_score(items)


def test_questions_and_answers_are_the_published_shape() -> None:
    assert len(PHQ9_QUESTIONS) == 9
    assert len(GAD7_QUESTIONS) == 7
    assert "better off dead" in PHQ9_QUESTIONS[8]
    assert ANSWER_CHOICES == (
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    )


# --- C-SSRS screener ---


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({}, ("q1", "q2", "q6")),
        ({"q1": True, "q2": False}, ("q1", "q2", "q6")),
        ({"q1": False, "q2": False, "q6": True}, ("q1", "q2", "q6", "q6_recent")),
        ({"q2": True}, ("q1", "q2", "q3", "q4", "q5", "q6")),
        ({"q2": True, "q6": True}, ("q1", "q2", "q3", "q4", "q5", "q6", "q6_recent")),
        ({"q2": True, "q6": False}, ("q1", "q2", "q3", "q4", "q5", "q6")),
    ],
)
def test_cssrs_skip_rule_no_to_question_2_goes_straight_to_question_6(
    answers: dict, asked: tuple
) -> None:
    assert cssrs_questions_to_ask(answers) == asked


def _expected_risk(q1: bool, q2: bool, q3: bool, q4: bool, q5: bool, q6: bool, recent: bool) -> str:
    """The domain brief, spelled out independently of the code under test."""
    thoughts_asked = q2
    if (thoughts_asked and (q4 or q5)) or (q6 and recent):
        return "high"
    if (thoughts_asked and q3) or q6:
        return "moderate"
    return "low"


@pytest.mark.parametrize("combo", list(itertools.product([False, True], repeat=7)))
def test_cssrs_risk_for_every_combination_of_answers(combo: tuple[bool, ...]) -> None:
    q1, q2, q3, q4, q5, q6, recent = combo
    answers = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q6_recent": recent}
    assert cssrs_risk(answers) == _expected_risk(*combo)


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({"q1": False, "q2": False, "q6": False}, "low"),
        ({"q1": True, "q2": False, "q6": False}, "low"),
        ({"q1": True, "q2": True, "q3": False, "q4": False, "q5": False, "q6": False}, "low"),
        ({"q1": True, "q2": True, "q3": True, "q4": False, "q5": False, "q6": False}, "moderate"),
        ({"q2": True, "q3": True, "q4": True, "q5": False, "q6": False}, "high"),
        ({"q2": True, "q3": False, "q4": False, "q5": True, "q6": False}, "high"),
        ({"q2": False, "q6": True, "q6_recent": False}, "moderate"),
        ({"q2": False, "q6": True, "q6_recent": True}, "high"),
        # Skipped questions do not count, even if a stale answer is present.
        ({"q2": False, "q3": True, "q4": True, "q5": True, "q6": False}, "low"),
        # A "recent" answer without behaviour is not behaviour.
        ({"q2": False, "q6": False, "q6_recent": True}, "low"),
        # Partly answered (intent known, behaviour not yet): already high.
        ({"q1": True, "q2": True, "q3": True, "q4": True, "q5": False}, "high"),
    ],
)
def test_cssrs_risk_levels_named_cases(answers: dict, risk: str) -> None:
    assert cssrs_risk(answers) == risk


@pytest.mark.parametrize(("risk", "path"), [("low", False), ("moderate", True), ("high", True)])
def test_moderate_or_high_risk_takes_the_safety_path(risk: str, path: bool) -> None:
    assert cssrs_needs_safety_path(risk) is path
