"""The integration window of a dosing session: when therapy after a dose may be booked.

The clinic's rule: integration therapy happens between `opens_after` and `closes_after`
(24 h and 48 h by default, see IntegrationSettings) after the session *ends*, i.e. after
discharge. The window is computed in absolute time (UTC arithmetic), so a clock change
in between neither stretches nor shrinks it; it is only *shown* in the clinic's zone.

Pure: plain datetimes in, plain results out. No database, no request; labels are
portal.formats'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from portal.formats import format_day, format_when

# The clinic's zone is settings.TIME_ZONE, like every other clock in the portal.
CLINIC_ZONE = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    closes_at: dt.datetime

    def contains(self, at: dt.datetime) -> bool:
        """True when a visit starting at `at` starts inside the window (close excluded)."""
        _require_aware(at)
        return self.opens_at <= at < self.closes_at

    def is_open(self, now: dt.datetime) -> bool:
        return self.contains(now)

    def hours_left(self, now: dt.datetime) -> int:
        """Whole hours until the window closes (0 when closed), rounded down."""
        _require_aware(now)
        if now >= self.closes_at:
            return 0
        return int((self.closes_at - now).total_seconds() // 3600)

    def local(self) -> tuple[dt.datetime, dt.datetime]:
        return self.opens_at.astimezone(CLINIC_ZONE), self.closes_at.astimezone(CLINIC_ZONE)

    def describe(self) -> str:
        """'from Sun 2 Nov, 7:00 PM to Mon 3 Nov, 7:00 PM' in the clinic's time."""
        opens, closes = self.local()
        return _("from %(opens)s to %(closes)s") % {
            "opens": local_label(opens),
            "closes": local_label(closes),
        }


def local_label(moment: dt.datetime) -> str:
    """'Sun 2 Nov, 7:00 PM' in the clinic's time."""
    return format_when(moment, CLINIC_ZONE)


def local_day_label(moment: dt.datetime) -> str:
    """'Sun 2 Nov' in the clinic's time."""
    return format_day(moment, CLINIC_ZONE)


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Times must be timezone-aware.")


def integration_window(
    session_ended_at: dt.datetime, *, opens_after_hours: int, closes_after_hours: int
) -> Window:
    """The window of a session that ended (was discharged) at `session_ended_at`."""
    _require_aware(session_ended_at)
    if not 0 <= opens_after_hours < closes_after_hours:
        raise ValueError("The window must open before it closes.")
    ended_utc = session_ended_at.astimezone(dt.UTC)
    return Window(
        opens_at=ended_utc + dt.timedelta(hours=opens_after_hours),
        closes_at=ended_utc + dt.timedelta(hours=closes_after_hours),
    )


def booking_refusal(
    window: Window, starts_at: dt.datetime, *, for_staff: bool = False
) -> str | None:
    """Why a visit starting at `starts_at` may not be booked for this window, or None;
    said to the patient, or (`for_staff`) to the staff member booking for them."""
    if window.contains(starts_at):
        return None
    when = window.describe()
    # Whole sentences (not "your" / "the patient's" spliced in) so that each can be
    # translated as a sentence.
    if starts_at < window.opens_at:
        if for_staff:
            message = _(
                "That time is too soon after the patient's session: integration therapy is "
                "booked %(when)s (Pacific time)."
            )
        else:
            message = _(
                "That time is too soon after your session: integration therapy is booked "
                "%(when)s (Pacific time)."
            )
    elif for_staff:
        message = _(
            "That time is after the patient's integration window has closed: integration "
            "therapy for this session is booked %(when)s (Pacific time)."
        )
    else:
        message = _(
            "That time is after your integration window has closed: integration therapy "
            "for this session is booked %(when)s (Pacific time)."
        )
    return message % {"when": when}


class _HasStart(Protocol):
    @property
    def starts_at(self) -> dt.datetime: ...


S = TypeVar("S", bound=_HasStart)


def slots_inside_window(slots: Iterable[S], window: Window, *, now: dt.datetime) -> list[S]:
    """The slots a patient may be offered: starting inside the window and not yet past."""
    _require_aware(now)
    return sorted(
        (slot for slot in slots if window.contains(slot.starts_at) and slot.starts_at > now),
        key=lambda slot: slot.starts_at,
    )
