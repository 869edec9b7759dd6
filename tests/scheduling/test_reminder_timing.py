"""Appointment reminders on the production path: the clinic sets them in the admin, a real
booking writes them, and the outbox rows fall due at the right instant, also across both
2027 daylight-saving changes in California (Sun 14 Mar 02:00 -> 03:00 PDT, Sun 7 Nov
02:00 -> 01:00 PST).

"24 h before" is 24 real hours; "9 am the day before" is 9 am on the clinic's clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import Appointment, RoomKind, SchedulingSettings, ServiceKind
from scheduling.services import appointment_book, appointment_reschedule
from tests.factories import PatientFactory
from tests.scheduling.factories import RoomFactory, folsom, hours_every_day, service_of

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def consult_setup(clinician: User) -> tuple[Any, User, Any]:
    hours_every_day(clinician, folsom(), starts=dt.time(7), ends=dt.time(20))
    room = RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy 1")
    return service_of(ServiceKind.CONSULTATION), clinician, room


def set_in_admin(client: Any, **changes: Any) -> None:
    """Change the scheduling settings through the admin's own change form."""
    row = SchedulingSettings.load()
    data = {
        "medi_cal_self_pay_allowed": "on" if row.medi_cal_self_pay_allowed else "",
        "late_cancellation_hours": row.late_cancellation_hours,
        "first_reminder_hours": row.first_reminder_hours,
        "second_reminder_hours": row.second_reminder_hours,
        "day_before_reminder_at": row.day_before_reminder_at or "",
        "slot_step_minutes": row.slot_step_minutes,
        "max_dissociative_doses_per_day": row.max_dissociative_doses_per_day,
        "telehealth_join_minutes_before": row.telehealth_join_minutes_before,
        "waitlist_offer_minutes": row.waitlist_offer_minutes,
        "waitlist_notice_minutes": row.waitlist_notice_minutes,
        "waitlist_max_offers": row.waitlist_max_offers,
        **changes,
    }
    if not data["medi_cal_self_pay_allowed"]:
        del data["medi_cal_self_pay_allowed"]
    response = client.post(f"/admin/scheduling/schedulingsettings/{row.pk}/change/", data)
    # Back to the list means saved (a form error re-renders the page with 200).
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/admin/scheduling/schedulingsettings/")


def book(setup: tuple[Any, User, Any], starts_at: dt.datetime) -> Appointment:
    service, clinician, room = setup
    return appointment_book(
        patient=PatientFactory(),
        service=service,
        location=folsom(),
        clinician=clinician,
        room=room,
        starts_at=starts_at,
        booked_by=None,
    )


def reminders_of(appointment: Appointment) -> list[tuple[str, dt.datetime]]:
    rows = Notification.objects.filter(
        topic=f"appointment:{appointment.pk}",
        kind=Kind.APPOINTMENT_REMINDER,
        status=Notification.Status.PENDING,
    ).order_by("send_at")
    return [(n.idempotency_key.split(":reminder:")[1], n.send_at) for n in rows]


@pytest.fixture
def admin_client(client_for: Any, clinic_admin: User) -> Any:
    client = client_for(clinic_admin)
    # 24 h before and 9 am the day before, nothing else.
    set_in_admin(
        client, first_reminder_hours=24, second_reminder_hours=0, day_before_reminder_at="09:00"
    )
    return client


@pytest.mark.parametrize(
    ("starts_at", "hours_24", "nine_am_day_before"),
    [
        # An ordinary week in winter (PST, UTC-8).
        (la(2027, 3, 3, 10, 0), utc(2027, 3, 2, 18, 0), utc(2027, 3, 2, 17, 0)),
        # Visit on spring-forward Sunday 10:00 PDT: 24 h earlier is Sat 9:00 PST;
        # 9 am Saturday is PST.
        (la(2027, 3, 14, 10, 0), utc(2027, 3, 13, 17, 0), utc(2027, 3, 13, 17, 0)),
        # Visit the Monday after: 24 h earlier is Sun 10:00 PDT; 9 am Sunday is PDT.
        (la(2027, 3, 15, 10, 0), utc(2027, 3, 14, 17, 0), utc(2027, 3, 14, 16, 0)),
        # Visit on fall-back Sunday 10:00 PST: 24 h earlier is Sat 11:00 PDT.
        (la(2027, 11, 7, 10, 0), utc(2027, 11, 6, 18, 0), utc(2027, 11, 6, 16, 0)),
        # Visit the Monday after: 24 h earlier is Sun 10:00 PST; 9 am Sunday is PST.
        (la(2027, 11, 8, 10, 0), utc(2027, 11, 7, 18, 0), utc(2027, 11, 7, 17, 0)),
    ],
)
def test_reminders_set_in_the_admin_fall_due_at_the_right_instant_across_2027_dst(
    admin_client: Any,
    consult_setup: tuple[Any, User, Any],
    starts_at: dt.datetime,
    hours_24: dt.datetime,
    nine_am_day_before: dt.datetime,
) -> None:
    with time_machine.travel(starts_at - dt.timedelta(days=10), tick=False):
        appointment = book(consult_setup, starts_at)
    due = dict(reminders_of(appointment))
    assert due == {"24h": hours_24, "day-before-0900": nine_am_day_before}
    assert starts_at - due["24h"] == dt.timedelta(hours=24)
    assert due["day-before-0900"].astimezone(LA).time() == dt.time(9)
    assert due["day-before-0900"].astimezone(LA).date() == starts_at.date() - dt.timedelta(days=1)


def test_a_changed_admin_setting_changes_the_next_reminders(
    admin_client: Any, consult_setup: tuple[Any, User, Any]
) -> None:
    with time_machine.travel(la(2027, 3, 1, 12, 0), tick=False):
        before = book(consult_setup, la(2027, 3, 15, 10, 0))
    set_in_admin(
        admin_client,
        first_reminder_hours=48,
        second_reminder_hours=2,
        day_before_reminder_at="18:30",
    )
    with time_machine.travel(la(2027, 3, 1, 12, 5), tick=False):
        after = book(consult_setup, la(2027, 3, 15, 14, 0))
    # The visit booked before the change keeps what it was told.
    assert sorted(name for name, _ in reminders_of(before)) == ["24h", "day-before-0900"]
    assert reminders_of(after) == [
        ("48h", utc(2027, 3, 13, 21, 0)),  # Sat 1:00 PM PST: 48 real hours over the jump
        ("day-before-1830", utc(2027, 3, 15, 1, 30)),  # Sun 6:30 PM PDT
        ("2h", utc(2027, 3, 15, 19, 0)),
    ]


def test_moving_a_visit_recomputes_its_reminders_from_the_current_settings(
    admin_client: Any, consult_setup: tuple[Any, User, Any], clinician: User
) -> None:
    with time_machine.travel(la(2027, 11, 1, 12, 0), tick=False):
        appointment = book(consult_setup, la(2027, 11, 5, 10, 0))
        appointment_reschedule(
            appointment=appointment, starts_at=la(2027, 11, 8, 10, 0), by=clinician
        )
    assert [due for _, due in reminders_of(appointment)] == [
        utc(2027, 11, 7, 17, 0),  # 9 am PST on the long Sunday
        utc(2027, 11, 7, 18, 0),  # 24 real hours before
    ]


def test_a_reminder_whose_time_has_passed_is_not_written(
    admin_client: Any, consult_setup: tuple[Any, User, Any]
) -> None:
    with time_machine.travel(la(2027, 3, 14, 9, 30), tick=False):  # after 9 am, before 10
        appointment = book(consult_setup, la(2027, 3, 15, 10, 0))
    assert reminders_of(appointment) == [("24h", utc(2027, 3, 14, 17, 0))]
