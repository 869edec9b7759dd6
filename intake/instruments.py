"""The standard screening instruments: PHQ-9, GAD-7 and the C-SSRS screener.

Pure code: plain values in, plain results out, no Django. Intake uses it at screening,
and the symptom-tracking work reuses it for weekly retakes, so a score means the same
thing wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ANSWER_CHOICES: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)

PHQ9_QUESTIONS: tuple[str, ...] = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself "
    "or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

GAD7_QUESTIONS: tuple[str, ...] = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

# Upper bound (inclusive) of each band, from the instruments' published scoring.
PHQ9_BANDS: tuple[tuple[int, str], ...] = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately severe"),
    (27, "severe"),
)
GAD7_BANDS: tuple[tuple[int, str], ...] = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (21, "severe"),
)

PHQ9_SELF_HARM_ITEM = 9  # 1-based: "better off dead or of hurting yourself"


@dataclass(frozen=True)
class InstrumentScore:
    total: int
    band: str
    safety_flag: bool


def _check_items(items: Sequence[int], count: int, name: str) -> list[int]:
    values = list(items)
    if len(values) != count:
        raise ValueError(f"{name} has {count} items; got {len(values)}.")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            raise ValueError(f"{name} items are scored 0-3; got {value!r}.")
    return values


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    for upper, label in bands:
        if total <= upper:
            return label
    raise ValueError(f"score {total} is above the instrument's range")


def phq9_score(items: Sequence[int]) -> InstrumentScore:
    """PHQ-9: total 0-27 with its band; item 9 above 0 always raises the safety flag."""
    values = _check_items(items, 9, "PHQ-9")
    total = sum(values)
    return InstrumentScore(
        total=total,
        band=_band(total, PHQ9_BANDS),
        safety_flag=values[PHQ9_SELF_HARM_ITEM - 1] > 0,
    )


def gad7_score(items: Sequence[int]) -> InstrumentScore:
    """GAD-7: total 0-21 with its band. It asks nothing about self-harm: no safety flag."""
    values = _check_items(items, 7, "GAD-7")
    total = sum(values)
    return InstrumentScore(total=total, band=_band(total, GAD7_BANDS), safety_flag=False)


# --- C-SSRS screener (past month; behaviour lifetime with a past-3-months follow-up) ---

CSSRS_QUESTIONS: dict[str, str] = {
    "q1": "In the past month, have you wished you were dead or wished you could go to sleep "
    "and not wake up?",
    "q2": "In the past month, have you actually had any thoughts of killing yourself?",
    "q3": "Have you been thinking about how you might do this?",
    "q4": "Have you had these thoughts and had some intention of acting on them?",
    "q5": "Have you started to work out or worked out the details of how to kill yourself? "
    "Do you intend to carry out this plan?",
    "q6": "Have you ever done anything, started to do anything, or prepared to do anything "
    "to end your life?",
    "q6_recent": "Was that within the past 3 months?",
}

CSSRS_RISK_LEVELS: tuple[str, ...] = ("low", "moderate", "high")


def cssrs_questions_to_ask(answers: Mapping[str, bool | None]) -> tuple[str, ...]:
    """Which questions the screener asks, given the answers so far (the skip rule).

    Questions 1 and 2 are always asked. "No" to question 2 goes straight to question 6;
    "yes" asks 3, 4 and 5 first. The 3-month follow-up is asked only after "yes" to 6.
    """
    asked = ["q1", "q2"]
    if answers.get("q2") is True:
        asked += ["q3", "q4", "q5"]
    asked.append("q6")
    if answers.get("q6") is True:
        asked.append("q6_recent")
    return tuple(asked)


def cssrs_risk(answers: Mapping[str, bool | None]) -> str:
    """Risk from the screener's answers: "low", "moderate" or "high".

    High: intent (4), a plan (5), or behaviour in the past 3 months. Moderate: thoughts
    with a method (3), or behaviour longer ago. Otherwise low. Answers to questions the
    skip rule does not ask are ignored, so a stale "yes" cannot raise the level.
    """
    asked = cssrs_questions_to_ask(answers)

    def yes(key: str) -> bool:
        return key in asked and answers.get(key) is True

    if yes("q4") or yes("q5") or (yes("q6") and yes("q6_recent")):
        return "high"
    if yes("q3") or yes("q6"):
        return "moderate"
    return "low"


def cssrs_needs_safety_path(risk: str) -> bool:
    return risk in {"moderate", "high"}
