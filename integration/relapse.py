"""The relapse signal: a worsening PHQ-9 trend that should reach a clinician early.

Two rules on the PHQ-9 totals since induction (oldest first, the newest last):

* the newest is `rise_points` (5) or more above the lowest score before it, or
* the newest crosses back to `threshold` (10) or more after the one before it was under.

The signal names the lowest score of the episode (`nadir_index`, the most recent lowest),
so one episode of worsening is reported once, however many check-ins follow it.

Pure: plain integers in, a plain result out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RISE = "rise"
CROSSING = "crossing"


@dataclass(frozen=True)
class RelapseSignal:
    rule: str  # RISE or CROSSING
    latest: int
    reference: int  # the score the newest is compared with
    nadir_index: int  # where the lowest earlier score stands: one alert per nadir
    reason: str


def relapse_signal(
    totals: Sequence[int], *, rise_points: int = 5, threshold: int = 10
) -> RelapseSignal | None:
    """The signal raised by the newest total in `totals`, or None."""
    if len(totals) < 2:
        return None
    *earlier, latest = totals
    lowest = min(earlier)
    # The most recent lowest: a later nadir starts a new episode.
    lowest_index = max(i for i, score in enumerate(earlier) if score == lowest)
    if latest - lowest >= rise_points:
        return RelapseSignal(
            rule=RISE,
            latest=latest,
            reference=lowest,
            nadir_index=lowest_index,
            reason=(
                f"PHQ-9 rose to {latest}, {latest - lowest} points above the lowest "
                f"since induction ({lowest})."
            ),
        )
    previous = earlier[-1]
    if previous < threshold <= latest:
        return RelapseSignal(
            rule=CROSSING,
            latest=latest,
            reference=previous,
            nadir_index=lowest_index,
            reason=f"PHQ-9 is back to {latest} (from {previous}), at or above {threshold}.",
        )
    return None
