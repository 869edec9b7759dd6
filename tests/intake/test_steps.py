"""The order of intake steps, with the C-SSRS skip rule across steps."""

from __future__ import annotations

import pytest

from intake import steps

BEFORE_CSSRS = ["contact", "history", "medications", "phq9", "gad7", "cssrs"]


def keys(answers: dict) -> list[str]:
    return [s.key for s in steps.sequence(answers)]


@pytest.mark.parametrize(
    ("cssrs", "path"),
    [
        ({}, [*BEFORE_CSSRS, "cssrs_behaviour", "consent"]),
        ({"q1": True, "q2": False}, [*BEFORE_CSSRS, "cssrs_behaviour", "consent"]),
        (
            {"q1": False, "q2": True},
            [*BEFORE_CSSRS, "cssrs_thoughts", "cssrs_behaviour", "consent"],
        ),
    ],
)
def test_no_to_question_2_goes_straight_to_the_behaviour_step(cssrs: dict, path: list) -> None:
    assert keys({"cssrs": cssrs}) == path


def test_next_and_previous_follow_the_answers() -> None:
    no = {"cssrs": {"q1": False, "q2": False}}
    yes = {"cssrs": {"q1": True, "q2": True}}
    assert steps.next_step(no, "cssrs").key == "cssrs_behaviour"
    assert steps.next_step(yes, "cssrs").key == "cssrs_thoughts"
    assert steps.previous_step(no, "cssrs_behaviour").key == "cssrs"
    assert steps.previous_step(yes, "cssrs_behaviour").key == "cssrs_thoughts"
    assert steps.next_step(no, "consent") is None
    assert steps.previous_step(no, "contact") is None


def test_resume_is_the_first_step_not_done_and_skipping_ahead_is_not_allowed() -> None:
    answers = {"cssrs": {"q1": False, "q2": False}}
    done = ["contact", "history"]
    assert steps.resume_step(answers, done).key == "medications"
    assert steps.may_open(answers, done, "contact")
    assert steps.may_open(answers, done, "medications")
    assert not steps.may_open(answers, done, "phq9")
    assert not steps.may_open(answers, done, "cssrs_thoughts")  # not on this path
    assert not steps.may_open(answers, done, "nonsense")
    assert steps.progress(answers, done) == (2, 8)


def test_when_every_step_is_done_there_is_nothing_to_resume() -> None:
    answers = {"cssrs": {"q2": False}}
    assert steps.resume_step(answers, keys(answers)) is None
