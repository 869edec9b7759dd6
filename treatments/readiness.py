"""Before the dose: what the evening check's answers mean, and the escort's state.

Plain values in, plain results out: the day view's words, the chart's gate, the desk's
call list. No Django here; table-tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SPRAVATO = "spravato"

READY = "ready"
NEEDS_A_LOOK = "needs a look"
NOT_READY = "not ready"
NO_ANSWER = "no answer"

ESCORT_MISSING = "missing"
ESCORT_NAMED = "named"
ESCORT_CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Answers:
    """The evening check as the patient sent it."""

    ride_confirmed: bool
    fasting_understood: bool
    new_benzodiazepine: bool = False
    new_opioid: bool = False
    new_stimulant: bool = False
    feeling_unwell: bool = False
    nasal_spray_timing_understood: bool | None = None


@dataclass(frozen=True)
class Readiness:
    status: str  # READY, NEEDS_A_LOOK, NOT_READY or NO_ANSWER
    gate: tuple[str, ...]  # what stops the dose until a clinician records a reason
    concerns: tuple[str, ...]  # what a clinician should look at, without stopping it


def readiness(answers: Answers | None, *, modality: str) -> Readiness:
    """ "No ride", "not fasting" or a new sedating medicine (benzodiazepine, opioid) stop
    the dose like the discharge gate; a new stimulant, feeling unwell or (Spravato) the
    nasal-spray timing not understood need a look."""
    if answers is None:
        return Readiness(NO_ANSWER, (), ())
    gate: list[str] = []
    if not answers.ride_confirmed:
        gate.append("No ride home is confirmed.")
    if not answers.fasting_understood:
        gate.append("The fasting plan is not understood or not kept.")
    sedating = [
        name
        for taken, name in (
            (answers.new_benzodiazepine, "a benzodiazepine"),
            (answers.new_opioid, "an opioid"),
        )
        if taken
    ]
    if sedating:
        gate.append(f"A new sedating medicine: {' and '.join(sedating)}.")
    concerns: list[str] = []
    if answers.new_stimulant:
        concerns.append("A new stimulant.")
    if answers.feeling_unwell:
        concerns.append("Feeling unwell.")
    if modality == SPRAVATO and answers.nasal_spray_timing_understood is False:
        concerns.append("The nasal-spray timing is not understood.")
    if gate:
        status = NOT_READY
    elif concerns:
        status = NEEDS_A_LOOK
    else:
        status = READY
    return Readiness(status, tuple(gate), tuple(concerns))


def escort_state(*, named: bool, ride_confirmed: bool | None) -> str:
    """Missing until an adult is named; confirmed once the evening check says the ride
    is on."""
    if not named:
        return ESCORT_MISSING
    return ESCORT_CONFIRMED if ride_confirmed else ESCORT_NAMED


def on_call_list(
    *, answered: bool, answer_by: dt.datetime, now: dt.datetime, visit_starts_at: dt.datetime
) -> bool:
    """The desk calls a patient whose evening check is unanswered once its answer-by
    time has passed, until the visit starts."""
    return not answered and answer_by <= now < visit_starts_at


def pickup_time(ready_at: dt.datetime, *, step_minutes: int = 5) -> dt.datetime:
    """ "At about": the moment the patient is ready, rounded up to the next 5 minutes."""
    step = dt.timedelta(minutes=step_minutes)
    floor = ready_at.replace(second=0, microsecond=0)
    if floor == ready_at and floor.minute % step_minutes == 0:
        return ready_at
    minutes_past = floor.minute % step_minutes
    return floor - dt.timedelta(minutes=minutes_past) + step
