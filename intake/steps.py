"""The intake's steps and their order. Pure: the order depends only on the answers.

The C-SSRS screener is split over three steps so that its skip rule is real: "no" to
question 2 goes straight to the behaviour question (6), past questions 3-5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.instruments import cssrs_questions_to_ask


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise  # lazy: shown in the patient's language


CONTACT = Step("contact", _("Contact and emergency contact"))
HISTORY = Step("history", _("Medical history"))
MEDICATIONS = Step("medications", _("Current medications"))
PHQ9 = Step("phq9", _("Mood (PHQ-9)"))
GAD7 = Step("gad7", _("Anxiety (GAD-7)"))
CSSRS = Step("cssrs", _("Safety questions"))
CSSRS_THOUGHTS = Step("cssrs_thoughts", _("Safety questions, continued"))
CSSRS_BEHAVIOUR = Step("cssrs_behaviour", _("Safety questions, past actions"))
CONSENT = Step("consent", _("Consent and send"))

ALL_STEPS: tuple[Step, ...] = (
    CONTACT,
    HISTORY,
    MEDICATIONS,
    PHQ9,
    GAD7,
    CSSRS,
    CSSRS_THOUGHTS,
    CSSRS_BEHAVIOUR,
    CONSENT,
)
BY_KEY: dict[str, Step] = {s.key: s for s in ALL_STEPS}
CSSRS_STEP_KEYS = (CSSRS.key, CSSRS_THOUGHTS.key, CSSRS_BEHAVIOUR.key)
CSSRS_STEPS = frozenset(CSSRS_STEP_KEYS)


def cssrs_answers(answers: Mapping[str, Any]) -> dict[str, bool | None]:
    """The screener's answers gathered from its three steps."""
    merged: dict[str, bool | None] = {}
    for key in CSSRS_STEP_KEYS:
        merged.update(answers.get(key) or {})
    return merged


def sequence(answers: Mapping[str, Any]) -> list[Step]:
    """The steps this patient goes through, given what they have answered so far. Only
    the answers under CSSRS_STEP_KEYS matter (intake_summary_for_patient relies on it)."""
    asks_thoughts = "q3" in cssrs_questions_to_ask(cssrs_answers(answers))
    return [s for s in ALL_STEPS if s is not CSSRS_THOUGHTS or asks_thoughts]


def next_step(answers: Mapping[str, Any], current: str) -> Step | None:
    keys = [s.key for s in sequence(answers)]
    index = keys.index(current)
    return BY_KEY[keys[index + 1]] if index + 1 < len(keys) else None


def previous_step(answers: Mapping[str, Any], current: str) -> Step | None:
    keys = [s.key for s in sequence(answers)]
    index = keys.index(current)
    return BY_KEY[keys[index - 1]] if index > 0 else None


def resume_step(answers: Mapping[str, Any], done: Sequence[str]) -> Step | None:
    """The first step not yet done (None: every step is done)."""
    for step in sequence(answers):
        if step.key not in done:
            return step
    return None


def may_open(answers: Mapping[str, Any], done: Sequence[str], key: str) -> bool:
    """A patient may go back to any step done, or on to the next one, never skip ahead."""
    if key not in [s.key for s in sequence(answers)]:
        return False
    resume = resume_step(answers, done)
    return key in done or (resume is not None and resume.key == key)


def counted(answers: Mapping[str, Any]) -> list[Step]:
    """The steps "Step 3 of 8" counts. The C-SSRS's middle step (asked only after "yes" to
    question 2) continues the safety questions under their number, so the count never
    grows from 8 to 9 half-way through."""
    return [s for s in sequence(answers) if s is not CSSRS_THOUGHTS]


def position(answers: Mapping[str, Any], key: str) -> int:
    """The step's number in "Step N of M" (the C-SSRS continuation shares its number)."""
    keys = [s.key for s in counted(answers)]
    return keys.index(CSSRS.key if key == CSSRS_THOUGHTS.key else key) + 1


def progress(answers: Mapping[str, Any], done: Sequence[str]) -> tuple[int, int]:
    """(steps done, steps in all) for the progress bar, counted as `counted` counts."""
    steps = counted(answers)
    return sum(1 for s in steps if s.key in done), len(steps)
