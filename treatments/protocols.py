"""Treatment protocols as plain rules: which sessions a course plans, and when.

No Django here: plain dates in, plain plans out. The clinic's templates (the step lists
stored on `treatments.models.ProtocolTemplate`, editable in the admin) are built from the
defaults below by a data migration; `plan_sessions` turns any step list into dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext_lazy as _

Phase = Literal["induction", "maintenance"]
StepKind = Literal["preparation", "dosing"]

IV = "iv"
SPRAVATO = "spravato"
KAP = "kap"

# The domain's defaults (domain.md): the clinic may change every one of these.
IV_INDUCTION_INFUSIONS = 6
# 6 infusions over 12 days (Mon/Wed/Fri for two weeks), inside the 2-3 week window.
IV_INDUCTION_DAYS = (0, 2, 4, 7, 9, 11)
SPRAVATO_INDUCTION_DAYS = (0, 3, 7, 10, 14, 17, 21, 24)  # weeks 1-4, twice weekly
SPRAVATO_WEEKLY_DAYS = (28, 35, 42, 49)  # weeks 5-8, weekly
SPRAVATO_FROM_WEEK9_DAY = 56
KAP_DOSING_SESSIONS = 6
KAP_PREPARATION_LEAD_DAYS = 7  # the preparation session comes a week before the first dose
KAP_DOSING_EVERY_DAYS = 7


@dataclass(frozen=True)
class Step:
    """One planned session of a protocol, `day` days after the course starts."""

    day: int
    phase: Phase = "induction"
    kind: StepKind = "dosing"
    # KAP: each dosing session is paired with integration therapy.
    paired_integration: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day,
            "phase": self.phase,
            "kind": self.kind,
            "paired_integration": self.paired_integration,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Step:
        return cls(
            day=int(data["day"]),  # type: ignore[call-overload]
            phase=str(data.get("phase", "induction")),  # type: ignore[arg-type]
            kind=str(data.get("kind", "dosing")),  # type: ignore[arg-type]
            paired_integration=bool(data.get("paired_integration", False)),
        )


@dataclass(frozen=True)
class PlannedDate:
    sequence: int  # 1-based
    target_date: dt.date
    phase: Phase
    kind: StepKind
    paired_integration: bool


def iv_induction_steps(days: Sequence[int] = IV_INDUCTION_DAYS) -> list[Step]:
    return [Step(day=d) for d in days]


def spravato_steps(*, week9_every_weeks: int = 1, week9_sessions: int = 2) -> list[Step]:
    """Weeks 1-4 twice weekly (induction), weeks 5-8 weekly, then week 9 on weekly or
    every two weeks (maintenance): a Spravato course crosses into maintenance by itself."""
    if week9_every_weeks not in (1, 2):
        raise ValueError("From week 9 Spravato is given weekly or every two weeks.")
    if week9_sessions < 0:
        raise ValueError("The number of sessions from week 9 cannot be negative.")
    steps = [Step(day=d, phase="induction") for d in SPRAVATO_INDUCTION_DAYS]
    steps += [Step(day=d, phase="maintenance") for d in SPRAVATO_WEEKLY_DAYS]
    steps += [
        Step(day=SPRAVATO_FROM_WEEK9_DAY + i * 7 * week9_every_weeks, phase="maintenance")
        for i in range(week9_sessions)
    ]
    return steps


def kap_steps(
    *,
    dosing_sessions: int = KAP_DOSING_SESSIONS,
    every_days: int = KAP_DOSING_EVERY_DAYS,
    preparation_lead_days: int = KAP_PREPARATION_LEAD_DAYS,
) -> list[Step]:
    """A preparation session, then dosing sessions each paired with integration."""
    if dosing_sessions < 1 or every_days < 1 or preparation_lead_days < 0:
        raise ValueError("A KAP protocol needs at least one dosing session and a spacing.")
    steps = [Step(day=0, kind="preparation")]
    steps += [
        Step(day=preparation_lead_days + i * every_days, paired_integration=True)
        for i in range(dosing_sessions)
    ]
    return steps


def default_steps(modality: str) -> list[Step]:
    if modality == IV:
        return iv_induction_steps()
    if modality == SPRAVATO:
        return spravato_steps()
    if modality == KAP:
        return kap_steps()
    raise ValueError(f"Unknown modality: {modality!r}")


def plan_sessions(
    start: dt.date, steps: Sequence[Step], *, min_spacing_days: int = 0
) -> list[PlannedDate]:
    """Target dates for `steps` from `start`.

    Dosing sessions are never closer than `min_spacing_days` (a clinic setting): a step
    that would fall too soon after the previous dose moves later, and the ones after it
    keep their own offsets unless they too come too close.
    """
    if min_spacing_days < 0:
        raise ValueError("The minimum spacing cannot be negative.")
    ordered = sorted(steps, key=lambda s: s.day)
    planned: list[PlannedDate] = []
    last_dose: dt.date | None = None
    for index, step in enumerate(ordered, start=1):
        day = start + dt.timedelta(days=step.day)
        if step.kind == "dosing":
            if last_dose is not None and (day - last_dose).days < min_spacing_days:
                day = last_dose + dt.timedelta(days=min_spacing_days)
            last_dose = day
        planned.append(
            PlannedDate(
                sequence=index,
                target_date=day,
                phase=step.phase,
                kind=step.kind,
                paired_integration=step.paired_integration,
            )
        )
    return planned


def spacing_violations(dates: Sequence[dt.date], *, min_spacing_days: int) -> list[int]:
    """Indexes of doses that come fewer than `min_spacing_days` after the one before."""
    ordered = sorted(dates)
    return [
        i for i in range(1, len(ordered)) if (ordered[i] - ordered[i - 1]).days < min_spacing_days
    ]


def booster_due(last_dose: dt.date, interval_days: int) -> dt.date:
    """The next booster is due `interval_days` (the clinician's choice) after the last dose."""
    if interval_days < 1:
        raise ValueError("A booster interval is at least one day.")
    return last_dose + dt.timedelta(days=interval_days)


@dataclass(frozen=True)
class BoosterReminders:
    due_reminder_on: dt.date  # "your follow-up visit is due soon"
    overdue_reminder_on: dt.date  # again, if it passes unbooked


def booster_reminder_dates(due: dt.date, *, days_before: int, days_after: int) -> BoosterReminders:
    if days_before < 0 or days_after < 0:
        raise ValueError("Reminder offsets cannot be negative.")
    return BoosterReminders(
        due_reminder_on=due - dt.timedelta(days=days_before),
        overdue_reminder_on=due + dt.timedelta(days=days_after),
    )


SESSION_NOUNS = {IV: "infusion", SPRAVATO: "treatment", KAP: "session"}
# Whole phrases per noun, so that each language can order and inflect them.
_OF = {
    "infusion": _("infusion %(done)s of %(total)s"),
    "treatment": _("treatment %(done)s of %(total)s"),
    "session": _("session %(done)s of %(total)s"),
}
_NONE_PLANNED = {
    "infusion": _("no infusions planned"),
    "treatment": _("no treatments planned"),
    "session": _("no sessions planned"),
}


def progress_label(modality: str, done: int, total: int) -> str:
    """ "infusion 3 of 6": the dose the patient is on (or last had) of the plan, in the
    active language."""
    noun = SESSION_NOUNS.get(modality, "session")
    if total <= 0:
        return str(_NONE_PLANNED[noun])
    return _OF[noun] % {"done": min(max(done, 0), total), "total": total}
