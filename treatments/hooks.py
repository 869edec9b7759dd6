"""How apps above treatments learn that a dosing session ended, without an upward import.

integration registers a function here in its AppConfig.ready(); the discharge service
calls every registered function inside its transaction, so what they write (integration
window reminders) commits or rolls back with the discharge itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from treatments.models import DosingSession

SessionHook = Callable[["DosingSession"], None]

_session_discharged: list[SessionHook] = []


def register_session_discharged(fn: SessionHook) -> None:
    if fn not in _session_discharged:
        _session_discharged.append(fn)


def unregister_session_discharged(fn: SessionHook) -> None:
    if fn in _session_discharged:
        _session_discharged.remove(fn)


def session_discharged_hooks() -> list[SessionHook]:
    return list(_session_discharged)


def notify_session_discharged(session: DosingSession) -> None:
    for fn in session_discharged_hooks():
        fn(session)
