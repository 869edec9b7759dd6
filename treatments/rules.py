"""Dosing-session rules as plain functions: the pre-dose blood pressure check, the
discharge gate and the Spravato REMS form window.

No Django request or model here: the clinic's numbers (thresholds, minutes, days) come
in as arguments, read by the caller from `TreatmentSettings`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SPRAVATO = "spravato"


@dataclass(frozen=True)
class BloodPressureCheck:
    above_threshold: bool
    message: str


def pre_dose_bp_check(
    *, systolic: int, diastolic: int, max_systolic: int, max_diastolic: int
) -> BloodPressureCheck:
    """A reading above either limit warns; dosing then needs a recorded reason."""
    above = systolic > max_systolic or diastolic > max_diastolic
    if not above:
        return BloodPressureCheck(False, "")
    return BloodPressureCheck(
        True,
        f"Blood pressure {systolic}/{diastolic} is above the clinic's pre-dose threshold "
        f"of {max_systolic}/{max_diastolic}. Record why dosing goes ahead, or defer it.",
    )


def pre_dose_reason_missing(check: BloodPressureCheck, reason: str) -> bool:
    return check.above_threshold and not reason.strip()


@dataclass(frozen=True)
class DischargeFacts:
    """What the chart says, as plain values."""

    modality: str
    pre_discharge_vitals_recorded: bool
    escort_name: str
    escort_phone: str
    escort_confirmed: bool
    aftercare_reviewed: bool
    first_device_at: dt.datetime | None
    now: dt.datetime
    spravato_observation_minutes: int = 120


def discharge_gaps(facts: DischargeFacts) -> list[str]:
    """Everything that still stands between the patient and going home, in words.

    An empty list means the session may be marked discharged.
    """
    gaps: list[str] = []
    if not facts.pre_discharge_vitals_recorded:
        gaps.append("Pre-discharge vitals (blood pressure, heart rate, SpO2) are not recorded.")
    if not (facts.escort_name.strip() and facts.escort_phone.strip()):
        gaps.append("The responsible adult driving the patient home needs a name and a phone.")
    elif not facts.escort_confirmed:
        gaps.append("The responsible adult driving the patient home is not confirmed.")
    if not facts.aftercare_reviewed:
        gaps.append("The aftercare checklist has not been gone through with the patient.")
    if facts.modality == SPRAVATO:
        minutes = facts.spravato_observation_minutes
        if facts.first_device_at is None:
            gaps.append("The time of the first Spravato device is not recorded.")
        else:
            elapsed = facts.now - facts.first_device_at
            if elapsed < dt.timedelta(minutes=minutes):
                left = dt.timedelta(minutes=minutes) - elapsed
                left_minutes = -(-int(left.total_seconds()) // 60)  # round up
                gaps.append(
                    f"Spravato observation: at least {minutes} minutes after the first device "
                    f"are required; {left_minutes} minutes to go."
                )
    return gaps


@dataclass(frozen=True)
class RemsWindow:
    due_on: dt.date
    days_left: int  # negative when overdue
    overdue: bool

    @property
    def label(self) -> str:
        if self.days_left < 0:
            n = -self.days_left
            return f"overdue by {n} day{'s' if n != 1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def rems_form_window(
    *, session_ended_at: dt.datetime, now: dt.datetime, days: int, zone: str
) -> RemsWindow:
    """The Patient Monitoring Form is due within `days` days of the session.

    Days are calendar days in the clinic's zone, so a session on 28 January evening
    (Pacific) is due on 4 February whatever UTC says, and month ends count like any day.
    """
    if session_ended_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("REMS windows are counted from aware datetimes.")
    tz = ZoneInfo(zone)
    session_day = session_ended_at.astimezone(tz).date()
    today = now.astimezone(tz).date()
    due_on = session_day + dt.timedelta(days=days)
    days_left = (due_on - today).days
    return RemsWindow(due_on=due_on, days_left=days_left, overdue=days_left < 0)


CHECKIN_CONCERNING = ("severe",)


@dataclass(frozen=True)
class CheckinOutcome:
    concerning: bool
    self_harm: bool
    reasons: tuple[str, ...]


def aftercare_checkin_outcome(
    *, nausea: str, dizziness: str, bp_concern: bool, self_harm_thoughts: bool
) -> CheckinOutcome:
    """Next-day check-in: severe nausea or dizziness, a blood pressure worry, or thoughts
    of self-harm reach the clinician; self-harm also shows crisis resources at once."""
    reasons: list[str] = []
    if nausea in CHECKIN_CONCERNING:
        reasons.append("severe nausea")
    if dizziness in CHECKIN_CONCERNING:
        reasons.append("severe dizziness")
    if bp_concern:
        reasons.append("a blood pressure concern")
    if self_harm_thoughts:
        reasons.append("thoughts of self-harm")
    return CheckinOutcome(
        concerning=bool(reasons), self_harm=self_harm_thoughts, reasons=tuple(reasons)
    )
