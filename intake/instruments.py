"""The standard screening instruments: PHQ-9, GAD-7 and the C-SSRS screener.

Pure code: plain values in, plain results out, no Django. Intake uses it at screening,
and the symptom-tracking work reuses it for weekly retakes, so a score means the same
thing wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intake.instrument_texts import ANSWER_CHOICES_EN, CSSRS_QUESTIONS_EN, GAD7_EN, PHQ9_EN

# The English words (the portal's default); every language's words, with their sources,
# live in intake.instrument_texts.
ANSWER_CHOICES: tuple[tuple[int, str], ...] = ANSWER_CHOICES_EN
PHQ9_QUESTIONS: tuple[str, ...] = PHQ9_EN.questions
GAD7_QUESTIONS: tuple[str, ...] = GAD7_EN.questions

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

CSSRS_QUESTIONS: dict[str, str] = CSSRS_QUESTIONS_EN

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
