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

# Appointment statuses, as scheduling stores them (plain strings: no model here).
SCHEDULED, CHECKED_IN, COMPLETED, NO_SHOW, CANCELLED = (
    "scheduled",
    "checked_in",
    "completed",
    "no_show",
    "cancelled",
)


def chart_refusal(
    *, service_modality: str, appointment_status: str, visit_day: dt.date, today: dt.date
) -> str:
    """Why a dose's chart may not open from this visit now; "" when it may.

    A chart opens only from a dosing visit, on the visit's day in clinic time, once the
    patient is checked in: never ahead of the visit, never after it.
    """
    if not service_modality:
        return "This visit has no dose: a chart opens only from a dosing visit."
    if appointment_status == CANCELLED:
        return "This visit was cancelled."
    if appointment_status == NO_SHOW:
        return "This visit was marked no-show."
    if appointment_status == COMPLETED:
        return "This visit is already completed."
    if visit_day > today:
        return f"The visit is on {visit_day:%a %-d %b}: its chart opens on the day, after check-in."
    if visit_day < today:
        return f"The visit was on {visit_day:%a %-d %b}: a chart opens only on the visit's day."
    if appointment_status != CHECKED_IN:
        return "The patient is not checked in yet: the chart opens after check-in."
    return ""


def dose_time_correction_refusal(
    *,
    stamped_at: dt.datetime | None,
    corrected_at: dt.datetime,
    not_before: dt.datetime,
    now: dt.datetime,
    reason: str,
) -> str:
    """Why a correction of the server's dose stamp is refused; "" when it is allowed.

    A correction only moves the time back (the nurse pressed the button late), never
    before check-in or the chart's opening (`not_before`, the later of the two), never
    into the future, and always with a reason.
    """
    if stamped_at is None:
        return "Record the dose with the button first; a correction moves that time back."
    if not reason.strip():
        return "Say why the time is corrected."
    if corrected_at > now:
        return "A dose time cannot be in the future."
    if corrected_at >= stamped_at:
        return "A correction only moves the time back, before the recorded time."
    if corrected_at < not_before:
        return "A dose time cannot be before the patient was checked in and the chart opened."
    return ""


@dataclass(frozen=True)
class Bp40Check:
    """Where a reading falls against the clinic's window after the first device."""

    minutes: int
    too_early: bool
    late: bool
    message: str


def bp40_check(
    *, first_device_at: dt.datetime, now: dt.datetime, window_start: int, window_end: int
) -> Bp40Check:
    """The "about 40 minutes" reading, counted from the server's first-device stamp.

    Before the window it is refused (it is not the 40-minute reading); after it, it is
    taken with a recorded reason (refusing would leave the patient with no reading).
    """
    minutes = int((now - first_device_at).total_seconds() // 60)
    if minutes < window_start:
        return Bp40Check(
            minutes,
            True,
            False,
            f"It is {minutes} minutes after the first device: the reading is taken "
            f"{window_start}-{window_end} minutes after it.",
        )
    if minutes > window_end:
        return Bp40Check(
            minutes,
            False,
            True,
            f"It is {minutes} minutes after the first device, past the "
            f"{window_start}-{window_end} minute window: record why it is late.",
        )
    return Bp40Check(minutes, False, False, "")


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
    bp40_recorded: bool = False


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
        if not facts.bp40_recorded:
            gaps.append("REMS: the blood pressure at about 40 minutes is not recorded.")
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
    # The concerns beside self-harm, which the safety alert tells as "also".
    other_reasons: tuple[str, ...] = ()


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
    others = tuple(reasons)
    if self_harm_thoughts:
        reasons.append("thoughts of self-harm")
    return CheckinOutcome(
        concerning=bool(reasons),
        self_harm=self_harm_thoughts,
        reasons=tuple(reasons),
        other_reasons=others,
    )
