from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.models import User
from scheduling.models import Room, RoomKind
from tests.factories import ClinicianFactory
from tests.scheduling.factories import RoomFactory, folsom, hours_every_day

PACIFIC = ZoneInfo("America/Los_Angeles")
# Monday 2 March 2026, 07:30 in Folsom: the clinic has not opened yet.
MONDAY_MORNING = dt.datetime(2026, 3, 2, 7, 30, tzinfo=PACIFIC)


@pytest.fixture
def monday() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def nurse(db: None) -> User:
    from tests.conftest import enrol_totp

    user = ClinicianFactory(email="nurse@example.test", clinician_kind="nurse")
    enrol_totp(user)
    return user


@pytest.fixture
def infusion_chair(db: None, clinician: User) -> Room:
    """Folsom with one infusion chair and the clinician working there every day 8-18."""
    hours_every_day(clinician, folsom(), dt.time(8), dt.time(18))
    return RoomFactory(location=folsom(), kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
