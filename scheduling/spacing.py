"""Dose spacing, pure: a patient's dosing visits keep the clinic's minimum gap per
modality, and at most N dissociative doses fall on one clinic day. Plain values in, the
first clash out; no database, no request. The booking services ask it under the
patient's row lock; the slot finder asks it for every candidate time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Dose:
    """A dosing visit: when it starts, its modality, and who it is (a key for messages)."""

    starts_at: dt.datetime
    modality: str
    key: Hashable = None


@dataclass(frozen=True)
class SpacingRule:
    min_gap: dt.timedelta
    is_dissociative: bool = True


@dataclass(frozen=True)
class SpacingClash:
    other: Dose
    why: str  # "gap" or "per_day"
    min_gap: dt.timedelta = dt.timedelta(0)
    per_day: int = 0


def spacing_clash(
    *,
    candidate: Dose,
    others: Iterable[Dose],
    rules: Mapping[str, SpacingRule],
    max_dissociative_per_day: int,
    tz: dt.tzinfo,
) -> SpacingClash | None:
    """The first of `others` that `candidate` would break a rule with, or None.

    - Same modality: their starts must be at least that modality's `min_gap` apart,
      either way round (a new dose may not squeeze in before an existing one either).
    - Dissociative doses (any modality flagged so) on the candidate's clinic day (in
      `tz`) may number at most `max_dissociative_per_day` with it; 0 means no limit.
    A modality without a rule has no gap and is not dissociative.
    """
    rule = rules.get(candidate.modality)
    if rule is None:
        return None
    day = candidate.starts_at.astimezone(tz).date()
    same_day: list[Dose] = []
    for other in sorted(others, key=lambda d: d.starts_at):
        if (
            other.modality == candidate.modality
            and abs(other.starts_at - candidate.starts_at) < rule.min_gap
        ):
            return SpacingClash(other=other, why="gap", min_gap=rule.min_gap)
        other_rule = rules.get(other.modality)
        if (
            rule.is_dissociative
            and other_rule is not None
            and other_rule.is_dissociative
            and other.starts_at.astimezone(tz).date() == day
        ):
            same_day.append(other)
    if (
        rule.is_dissociative
        and max_dissociative_per_day
        and len(same_day) >= max_dissociative_per_day
    ):
        return SpacingClash(other=same_day[0], why="per_day", per_day=max_dissociative_per_day)
    return None


def widest_gap(rules: Mapping[str, SpacingRule]) -> dt.timedelta:
    """How far either side of a time a clash can come from (at least a day, for the
    per-day rule): how widely to read a patient's doses."""
    return max([dt.timedelta(days=1), *(r.min_gap for r in rules.values())])
