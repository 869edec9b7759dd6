"""Sending what is due: success, retry with backoff, failure, texts, quiet hours."""

from __future__ import annotations

import datetime as dt
import io
import json
import smtplib
import threading
import urllib.error
from collections import Counter
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from portal.models import User
from portal.notifications.dispatch import notification_send_now, notifications_dispatch_due
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel, Notification, NotificationPreference
from tests.factories import PatientFactory
from tests.notifications.factories import due_rows, outbox_row

LA = ZoneInfo("America/Los_Angeles")


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def smtp_down(*args: Any, **kwargs: Any) -> int:
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def twilio(settings: Any) -> Any:
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+19165550100"
    with mock.patch("urllib.request.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.read.return_value = b'{"sid": "SM1"}'
        yield urlopen


@pytest.mark.django_db
class TestEmail:
    def test_a_due_reminder_is_sent_once_and_marked_sent(self, patient: User) -> None:
        row = outbox_row(patient)
        result = notifications_dispatch_due()
        assert result.sent == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        assert row.sent_at is not None
        [email] = mail.outbox
        assert email.to == [patient.email]
        assert email.extra_headers["X-Portal-Notification"] == str(row.pk)
        assert email.alternatives[0][1] == "text/html"
        assert notifications_dispatch_due().sent == 0
        assert len(mail.outbox) == 1

    def test_future_cancelled_and_sent_rows_are_left_alone(self, patient: User) -> None:
        outbox_row(patient, send_at=timezone.now() + dt.timedelta(minutes=5))
        outbox_row(patient, status="cancelled")
        outbox_row(patient, status="sent", sent_at=timezone.now())
        assert notifications_dispatch_due().handled == 0
        assert mail.outbox == []

    def test_sending_one_now_twice_sends_it_once(self, patient: User) -> None:
        row = outbox_row(patient)
        assert notification_send_now(notification_id=row.pk).sent == 1
        assert notification_send_now(notification_id=row.pk).sent == 0
        assert notification_send_now(notification_id=999_999).sent == 0
        assert len(mail.outbox) == 1

    def test_a_batch_stops_at_its_size(self, patient: User) -> None:
        due_rows([patient], 5)
        assert notifications_dispatch_due(batch_size=3).sent == 3
        assert Notification.objects.filter(status="pending").count() == 2

    def test_a_mail_server_failure_retries_with_backoff(self, patient: User) -> None:
        with (
            time_machine.travel(la(2026, 3, 3, 12, 0), tick=False),
            mock.patch.object(EmailBackend, "send_messages", smtp_down),
        ):
            row = outbox_row(patient)
            result = notifications_dispatch_due()
        assert result.retried == 1
        row.refresh_from_db()
        assert row.status == "pending"
        assert row.attempts == 1
        assert "SMTPServerDisconnected" in row.last_error
        assert row.send_at == la(2026, 3, 3, 12, 1)

    def test_after_the_last_attempt_the_message_is_failed(
        self, patient: User, settings: Any
    ) -> None:
        settings.NOTIFY_MAX_ATTEMPTS = 3
        row = outbox_row(patient)
        moment = timezone.now()
        with mock.patch.object(EmailBackend, "send_messages", smtp_down):
            for _attempt in range(3):
                moment += dt.timedelta(hours=7)  # past any backoff
                with time_machine.travel(moment, tick=False):
                    notifications_dispatch_due()
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 3)
        with time_machine.travel(moment + dt.timedelta(days=1), tick=False):
            assert notifications_dispatch_due().handled == 0

    def test_a_refused_address_fails_at_once(self, patient: User) -> None:
        row = outbox_row(patient)

        def refused(*args: Any, **kwargs: Any) -> int:
            raise smtplib.SMTPRecipientsRefused({patient.email: (550, b"no such user")})

        with mock.patch.object(EmailBackend, "send_messages", refused):
            assert notifications_dispatch_due().failed == 1
        row.refresh_from_db()
        assert (row.status, row.last_error) == (
            "failed",
            "recipient refused by the mail server (550)",
        )

    def test_a_broken_row_does_not_stop_the_batch(self, patient: User) -> None:
        broken = outbox_row(patient, kind="no_such_kind")
        fine = outbox_row(patient)
        result = notifications_dispatch_due()
        assert (result.sent, result.retried) == (1, 1)
        broken.refresh_from_db()
        fine.refresh_from_db()
        assert (broken.status, fine.status) == ("pending", "sent")


@pytest.mark.django_db
class TestText:
    @pytest.fixture(autouse=True)
    def _by_day(self) -> Iterator[None]:
        """Texts wait out the default quiet hours (21:00-08:00): these tests send at noon,
        whatever the hour the suite runs; the night tests move the clock themselves."""
        with time_machine.travel(la(2026, 3, 3, 12, 0), tick=False):
            yield

    def test_a_text_goes_through_twilio_with_no_clinical_words(
        self, patient: User, twilio: Any
    ) -> None:
        row = outbox_row(patient, channel=Channel.SMS)
        assert notifications_dispatch_due().sent == 1
        request = twilio.call_args.args[0]
        assert request.full_url == (
            "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
        )
        body = dict(pair.split("=", 1) for pair in request.data.decode().split("&"))
        assert body["To"] == "%2B19165550142"
        assert body["From"] == "%2B19165550100"
        assert "Folsom" in body["Body"]
        assert "ketamine" not in body["Body"].lower()
        assert request.headers["Authorization"].startswith("Basic ")
        row.refresh_from_db()
        assert row.status == "sent"
        assert mail.outbox == []

    @pytest.mark.parametrize(
        ("code", "status"), [(500, "pending"), (429, "pending"), (400, "failed")]
    )
    def test_provider_errors_retry_or_fail(
        self, patient: User, twilio: Any, code: int, status: str
    ) -> None:
        twilio.side_effect = urllib.error.HTTPError(
            "https://api.twilio.com", code, "error", {}, io.BytesIO(json.dumps({}).encode())
        )
        row = outbox_row(patient, channel=Channel.SMS)
        notifications_dispatch_due()
        row.refresh_from_db()
        assert row.status == status
        assert row.last_error == f"sms provider HTTP {code}"

    @time_machine.travel(la(2026, 3, 3, 23, 30), tick=False)
    def test_a_text_that_falls_due_in_quiet_hours_waits_till_morning(
        self, patient: User, twilio: Any
    ) -> None:
        # Written by day as an email; the patient switched to texts since.
        NotificationPreference.objects.create(user=patient, channel=Channel.SMS)
        row = outbox_row(patient, channel=Channel.SMS)
        assert notifications_dispatch_due().deferred == 1
        twilio.assert_not_called()
        row.refresh_from_db()
        assert (row.status, row.send_at) == ("pending", la(2026, 3, 4, 8, 0))

    @time_machine.travel(la(2026, 3, 3, 23, 30), tick=False)
    def test_an_urgent_clinician_alert_goes_by_text_at_night(
        self, clinician: User, twilio: Any
    ) -> None:
        NotificationPreference.objects.create(user=clinician, channel=Channel.SMS)
        outbox_row(clinician, channel=Channel.SMS, kind=Kind.CLINICIAN_ALERT, context={})
        # A clinician has no patient profile, so no mobile number: it goes by email.
        assert notifications_dispatch_due().sent == 1
        assert len(mail.outbox) == 1

    def test_a_text_with_no_number_goes_by_email(self, patient: User, twilio: Any) -> None:
        patient.patient_profile.phone = ""
        patient.patient_profile.save()
        outbox_row(patient, channel=Channel.SMS)
        assert notifications_dispatch_due().sent == 1
        twilio.assert_not_called()
        assert len(mail.outbox) == 1

    def test_with_texts_disabled_a_text_goes_by_email(self, patient: User, settings: Any) -> None:
        settings.SMS_PROVIDER = "disabled"
        outbox_row(patient, channel=Channel.SMS)
        assert notifications_dispatch_due().sent == 1
        assert len(mail.outbox) == 1

    def test_the_console_provider_logs_no_words(self, patient: User, caplog: Any) -> None:
        outbox_row(patient, channel=Channel.SMS)
        with caplog.at_level("INFO"):
            assert notifications_dispatch_due().sent == 1
        assert "***0142" in caplog.text
        assert "Folsom" not in caplog.text
        assert "555-0142" not in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweepers_at_once_send_each_message_exactly_once() -> None:
    patients = [PatientFactory() for _ in range(5)]
    rows = due_rows(patients, 120)
    original = EmailBackend.send_messages
    barrier = threading.Barrier(2)

    def slow_send(self: EmailBackend, messages: Any) -> int:
        threading.Event().wait(0.002)  # long enough for the sweepers to interleave
        return original(self, messages)

    results = []

    def sweeper() -> None:
        try:
            barrier.wait()
            results.append(notifications_dispatch_due(batch_size=1000))
        finally:
            connection.close()

    with mock.patch.object(EmailBackend, "send_messages", slow_send):
        threads = [threading.Thread(target=sweeper) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    sent_per_row = Counter(m.extra_headers["X-Portal-Notification"] for m in mail.outbox)
    assert sorted(sent_per_row) == sorted(str(r.pk) for r in rows)
    assert set(sent_per_row.values()) == {1}
    assert sum(r.sent for r in results) == 120
    assert all(r.sent > 0 for r in results), "both sweepers should have done some of the work"
    assert Notification.objects.filter(status="sent").count() == 120
