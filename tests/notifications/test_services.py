"""Writing, moving and cancelling outbox rows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.models import User
from portal.notifications import tasks
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel, Notification, NotificationPreference
from portal.notifications.services import (
    notification_preference_update,
    notification_retry,
    notification_schedule,
    notifications_cancel,
    staff_alert_raise,
)
from tests.factories import PatientFactory
from tests.notifications.factories import VISIT_CONTEXT, outbox_row

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.fixture
def task_queue() -> Any:
    """The real Redis queue the web process hands tasks to (this run's Redis db)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery")
    yield client
    client.delete("celery")


def schedule(recipient: User, key: str = "appointment:7:reminder:24h", **kw: Any) -> Notification:
    values: dict[str, Any] = {
        "recipient": recipient,
        "kind": Kind.APPOINTMENT_REMINDER,
        "send_at": timezone.now() + dt.timedelta(hours=3),
        "idempotency_key": key,
        "context": VISIT_CONTEXT,
        "topic": "appointment:7",
    }
    values.update(kw)
    return notification_schedule(**values)


def test_the_same_reminder_written_twice_is_one_row(patient: User) -> None:
    first = schedule(patient)
    second = schedule(patient)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_a_rolled_back_change_writes_and_sends_nothing(patient: User, on_commit: Any) -> None:
    def failing_booking() -> None:
        with transaction.atomic():
            schedule(patient, send_at=timezone.now())
            raise RuntimeError("the booking failed")

    with on_commit() as callbacks, pytest.raises(RuntimeError):
        failing_booking()
    assert callbacks == []
    assert not Notification.objects.exists()


def test_a_message_due_now_is_handed_to_a_worker_on_commit(
    patient: User, on_commit: Any, task_queue: Any
) -> None:
    with on_commit(execute=True) as callbacks:
        schedule(patient, send_at=timezone.now())
    assert len(callbacks) == 1
    assert task_queue.llen("celery") == 1


def test_a_later_message_waits_for_the_sweep(patient: User, on_commit: Any) -> None:
    with on_commit() as callbacks:
        schedule(patient)
    assert callbacks == []


def test_redis_down_at_commit_keeps_the_write_and_logs(
    patient: User, on_commit: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to redis: Connection refused.")

    monkeypatch.setattr(tasks.notification_send, "apply_async", broker_down)
    with on_commit(execute=True):
        row = schedule(patient, send_at=timezone.now())
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    assert "waits for the next sweep" in caplog.text


def test_a_naive_time_is_refused(patient: User) -> None:
    with pytest.raises(ValidationError, match="aware"):
        schedule(patient, send_at=dt.datetime(2026, 3, 3, 10, 0))  # noqa: DTZ001


@pytest.mark.parametrize("bad", ["tomorrow", "2026-03-03T10:00:00"])
def test_a_start_time_without_zone_or_not_a_time_is_refused(patient: User, bad: str) -> None:
    with pytest.raises(ValidationError):
        schedule(patient, context={**VISIT_CONTEXT, "starts_at": bad})


def test_scheduling_again_moves_a_reminder_that_has_not_gone(patient: User) -> None:
    schedule(patient)
    later = timezone.now() + dt.timedelta(days=2)
    moved = schedule(patient, send_at=later, context={**VISIT_CONTEXT, "location": "Roseville"})
    moved.refresh_from_db()
    assert moved.send_at == later
    assert moved.context["location"] == "Roseville"


def test_scheduling_again_never_resends_a_sent_reminder(patient: User) -> None:
    row = schedule(patient)
    Notification.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now())
    again = schedule(patient, send_at=timezone.now() + dt.timedelta(days=2))
    assert again.status == Notification.Status.SENT
    assert Notification.objects.get(pk=row.pk).send_at == row.send_at


def test_cancel_cancels_only_pending_messages_of_the_topic(patient: User) -> None:
    pending = outbox_row(patient, topic="appointment:7")
    sent = outbox_row(patient, topic="appointment:7", status="sent", sent_at=timezone.now())
    other = outbox_row(patient, topic="appointment:8")
    assert notifications_cancel(topic="appointment:7") == 1
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {pending.pk: "cancelled", sent.pk: "sent", other.pk: "pending"}


def test_cancel_can_be_limited_to_some_kinds(patient: User) -> None:
    reminder = outbox_row(patient, topic="appointment:7")
    confirmed = outbox_row(patient, topic="appointment:7", kind=Kind.REQUEST_CONFIRMED)
    notifications_cancel(topic="appointment:7", kinds=[Kind.APPOINTMENT_REMINDER])
    reminder.refresh_from_db()
    confirmed.refresh_from_db()
    assert (reminder.status, confirmed.status) == ("cancelled", "pending")


def test_cancel_can_be_limited_to_one_recipient(patient: User) -> None:
    theirs = outbox_row(patient, topic="waitlist:slot:7")
    other = PatientFactory()
    others = outbox_row(other, topic="waitlist:slot:7")
    assert notifications_cancel(topic="waitlist:slot:7", recipient=patient) == 1
    theirs.refresh_from_db()
    others.refresh_from_db()
    assert (theirs.status, others.status) == ("cancelled", "pending")


@time_machine.travel(la(2026, 3, 3, 23, 0), tick=False)
def test_a_text_due_at_night_waits_for_the_end_of_quiet_hours(patient: User) -> None:
    NotificationPreference.objects.create(user=patient, channel=Channel.SMS)
    row = schedule(patient, send_at=timezone.now())
    assert row.channel == Channel.SMS
    assert row.send_at == la(2026, 3, 4, 8, 0)


@time_machine.travel(la(2026, 3, 3, 23, 0), tick=False)
def test_an_email_due_at_night_is_not_held_back(patient: User) -> None:
    row = schedule(patient, send_at=timezone.now())
    assert (row.channel, row.send_at) == (Channel.EMAIL, timezone.now())


@time_machine.travel(la(2026, 3, 3, 23, 0), tick=False)
def test_clinician_alerts_ignore_quiet_hours(patient: User, clinician: User) -> None:
    NotificationPreference.objects.create(user=clinician, channel=Channel.SMS)
    alert = staff_alert_raise(
        kind="urgent_screening",
        patient=patient,
        title="Screening needs review",
        url="/clinician/",
        dedupe_key="intake:1:safety",
        urgent=True,
    )
    row = Notification.objects.get(topic=f"staff-alert:{alert.pk}")
    assert row.kind == Kind.CLINICIAN_ALERT
    assert row.send_at == timezone.now()


def test_choosing_texts_needs_a_mobile_number(patient: User) -> None:
    patient.patient_profile.phone = ""
    patient.patient_profile.save()
    with pytest.raises(ValidationError, match="mobile number"):
        notification_preference_update(
            user=patient, channel="sms", quiet_hours_start=dt.time(21), quiet_hours_end=dt.time(8)
        )


def test_choosing_texts_is_refused_when_texts_are_off(patient: User, settings: Any) -> None:
    settings.SMS_PROVIDER = "disabled"
    with pytest.raises(ValidationError, match="not available"):
        notification_preference_update(
            user=patient, channel="sms", quiet_hours_start=dt.time(21), quiet_hours_end=dt.time(8)
        )


def test_a_new_choice_moves_pending_messages_to_that_channel(patient: User) -> None:
    pending = outbox_row(patient, send_at=timezone.now() + dt.timedelta(days=1))
    sent = outbox_row(patient, status="sent", sent_at=timezone.now())
    notification_preference_update(
        user=patient, channel="sms", quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7)
    )
    pending.refresh_from_db()
    sent.refresh_from_db()
    assert (pending.channel, sent.channel) == (Channel.SMS, Channel.EMAIL)


def test_staff_can_send_a_failed_message_again(
    patient: User, front_desk: User, on_commit: Any, task_queue: Any
) -> None:
    row = outbox_row(patient, status="failed", attempts=5, last_error="mail server: timeout")
    with on_commit(execute=True):
        notification_retry(notification=row, by=front_desk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert task_queue.llen("celery") == 1


def test_only_a_failed_message_can_be_sent_again(patient: User, front_desk: User) -> None:
    row = outbox_row(patient, status="sent", sent_at=timezone.now())
    with pytest.raises(ValidationError, match="Only a failed"):
        notification_retry(notification=row, by=front_desk)
