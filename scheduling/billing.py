"""Pure rules of self-pay billing: business days, good-faith estimate deadlines, the
dispute threshold, money as text, ICD-10 codes and superbill periods. Plain values in
and out; no database, no request.

45 CFR 149.610 counts in business days: a good-faith estimate is due within 1 business
day of scheduling when the service is 3 or more business days ahead, within 3 business
days when it is 10 or more ahead, and (on request) within 3 business days of the ask.
The numbers are the clinic's settings (BillingSettings); these functions take them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _


def is_business_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(day: dt.date, n: int, holidays: Collection[dt.date]) -> dt.date:
    """The n-th business day after `day` (n >= 1); `day` itself never counts."""
    if n < 1:
        raise ValueError("n must be at least 1")
    current = day
    while n:
        current += dt.timedelta(days=1)
        if is_business_day(current, holidays):
            n -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date]) -> int:
    """Business days after `start` up to and including `end`: how far ahead `end` is.

    Scheduled on a Monday for Thursday: Tue, Wed, Thu = 3 business days ahead.
    """
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current, holidays):
            count += 1
    return count


class EstimateReason(StrEnum):
    SCHEDULED = "scheduled"
    REQUESTED = "requested"


@dataclass(frozen=True)
class DeadlineRule:
    """The clinic's estimate clock (BillingSettings holds the numbers)."""

    near_ahead_days: int = 3  # scheduled this many business days ahead or more ...
    near_due_days: int = 1  # ... estimate due within this many business days
    far_ahead_days: int = 10
    far_due_days: int = 3
    on_request_due_days: int = 1


def estimate_due_on(
    *,
    reason: EstimateReason,
    arose_on: dt.date,
    service_on: dt.date | None,
    holidays: Collection[dt.date],
    rule: DeadlineRule,
) -> dt.date | None:
    """The last day (clinic time) the estimate may be given, or None if the law sets none.

    A visit scheduled fewer than `near_ahead_days` business days ahead has no legal
    deadline (the clinic still issues one at once).
    """
    if reason == EstimateReason.REQUESTED:
        return add_business_days(arose_on, rule.on_request_due_days, holidays)
    if service_on is None:
        return None
    ahead = business_days_between(arose_on, service_on, holidays)
    if ahead >= rule.far_ahead_days:
        return add_business_days(arose_on, rule.far_due_days, holidays)
    if ahead >= rule.near_ahead_days:
        return add_business_days(arose_on, rule.near_due_days, holidays)
    return None


def over_estimate_by(*, actual_cents: int, estimate_cents: int) -> int:
    return actual_cents - estimate_cents


def exceeds_estimate(*, actual_cents: int, estimate_cents: int, threshold_cents: int) -> bool:
    """A bill this far above the estimate may be disputed (the law's figure is $400)."""
    return over_estimate_by(actual_cents=actual_cents, estimate_cents=estimate_cents) >= (
        threshold_cents
    )


def money(cents: int) -> str:
    """Cents as dollars for people: 50000 -> "$500.00", -2500 -> "-$25.00"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


DISPUTE_NOTICE = (
    "You have the right to receive a Good Faith Estimate explaining how much your medical "
    "care will cost. Under the law, health care providers need to give patients who don't "
    "have insurance or who are not using insurance an estimate of the bill for medical "
    "items and services. You have the right to receive a Good Faith Estimate for the "
    "total expected cost of any non-emergency items or services. This includes related "
    "costs like medical tests, prescription drugs, equipment, and hospital fees. Make "
    "sure your health care provider gives you a Good Faith Estimate in writing at least "
    "1 business day before your medical service or item. You can also ask your health "
    "care provider, and any other provider you choose, for a Good Faith Estimate before "
    "you schedule an item or service. If you receive a bill that is at least $400 more "
    "than your Good Faith Estimate, you can dispute the bill. Make sure to save a copy or "
    "picture of your Good Faith Estimate. For questions or more information about your "
    "right to a Good Faith Estimate, visit www.cms.gov/nosurprises or call 1-800-985-3059."
)


# ICD-10-CM: a letter (U is reserved), two characters, then up to four after a dot,
# e.g. F33.2 (major depressive disorder, recurrent, severe) or F43.10 (PTSD).
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def normalise_icd10(code: str) -> str | None:
    """The code as printed on a superbill ("f332" -> "F33.2"), or None if it cannot be one."""
    text = code.strip().upper().replace(" ", "")
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    return text if _ICD10.match(text) else None


SUPERBILL_MAX_DAYS = 366


def superbill_period_problem(start: dt.date, end: dt.date, *, today: dt.date) -> str | None:
    """Why a superbill cannot cover start..end, or None when it can."""
    if end < start:
        return _("The period ends before it starts.")
    if start > today:
        return _("The period has not started yet: a superbill lists visits already made.")
    if (end - start).days >= SUPERBILL_MAX_DAYS:
        return _("A superbill covers at most one year: choose a shorter period.")
    return None
