"""How apps above scheduling (and the waitlist beside the booking services) learn that a
visit's status changed or that it moved, without an upward import or a cycle.

treatments registers a function here in its AppConfig.ready() (a visit marked no-show or
cancelled closes its dose's chart as "not given"); the waitlist offers a cancelled
visit's time, and a moved visit's old time. The services call every registered function
inside their transaction, after the change is saved: what they write commits or rolls
back with the change, and a ValidationError they raise refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scheduling.models import Appointment

StatusHook = Callable[["Appointment"], None]
# The day view asks the apps above for a note per visit (treatments: the escort and the
# evening check of a dosing visit): (id, patient id, modality) in, {id: note} out, a
# bounded read (none at all on a day without dosing visits).
DayVisitNotes = Callable[["Iterable[tuple[int, int, str]]"], dict[int, Any]]

_day_visit_notes: list[DayVisitNotes] = []


def register_day_visit_notes(fn: DayVisitNotes) -> None:
    if fn not in _day_visit_notes:
        _day_visit_notes.append(fn)


def day_visit_notes(visits: list[tuple[int, int, str]]) -> dict[int, Any]:
    notes: dict[int, Any] = {}
    if not visits:
        return notes
    for fn in list(_day_visit_notes):
        notes.update(fn(visits))
    return notes


_status_changed: list[StatusHook] = []


def register_appointment_status_changed(fn: StatusHook) -> None:
    if fn not in _status_changed:
        _status_changed.append(fn)


def unregister_appointment_status_changed(fn: StatusHook) -> None:
    if fn in _status_changed:
        _status_changed.remove(fn)


def notify_appointment_status_changed(appointment: Appointment) -> None:
    for fn in list(_status_changed):
        fn(appointment)


@dataclass(frozen=True)
class VacatedTime:
    """Where and when a visit was before it moved: the time it leaves free."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician_id: int
    room_id: int | None
    location_id: int | None

    @classmethod
    def of(cls, appointment: Appointment) -> VacatedTime:
        """Where and when the visit is now (read before it moves or as it is cancelled)."""
        return cls(
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            clinician_id=appointment.clinician_id,
            room_id=appointment.room_id,
            location_id=appointment.location_id,
        )


MovedHook = Callable[["Appointment", VacatedTime], None]
_moved: list[MovedHook] = []


def register_appointment_moved(fn: MovedHook) -> None:
    if fn not in _moved:
        _moved.append(fn)


def notify_appointment_moved(appointment: Appointment, vacated: VacatedTime) -> None:
    for fn in list(_moved):
        fn(appointment, vacated)
