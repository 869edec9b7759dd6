"""The patient's reminder settings page and the staff outbox page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.notifications.models import Notification, NotificationPreference
from tests.factories import PatientFactory
from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]

PREFS = reverse("notifications:preference-edit")
OUTBOX = reverse("notifications:outbox-list")


def retry_url(row: Notification) -> str:
    return reverse("notifications:outbox-retry", kwargs={"notification_id": row.pk})


class TestPreferenceEdit:
    def test_it_shows_the_defaults(self, client_for: ClientFor, patient: User) -> None:
        response = client_for(patient).get(PREFS)
        assert response.status_code == 200
        assert b'value="21:00"' in response.content
        assert b'value="08:00"' in response.content
        assert b"Text message" in response.content

    def test_it_saves_texts_and_quiet_hours(self, client_for: ClientFor, patient: User) -> None:
        client = client_for(patient)
        response = client.post(
            PREFS, {"channel": "sms", "quiet_hours_start": "22:00", "quiet_hours_end": "07:30"}
        )
        assert response.status_code == 302
        assert response["Location"] == PREFS
        preference = NotificationPreference.objects.get(user=patient)
        assert (preference.channel, preference.quiet_hours_start, preference.quiet_hours_end) == (
            "sms",
            dt.time(22),
            dt.time(7, 30),
        )
        page = client.get(PREFS)
        assert b"Your reminder settings are saved." in page.content

    def test_texts_without_a_number_are_refused_and_keep_the_form(
        self, client_for: ClientFor, patient: User
    ) -> None:
        patient.patient_profile.phone = ""
        patient.patient_profile.save()
        response = client_for(patient).post(
            PREFS, {"channel": "sms", "quiet_hours_start": "22:15", "quiet_hours_end": "06:45"}
        )
        assert response.status_code == 200
        assert b"first add a mobile number to your profile" in response.content
        assert b'value="22:15"' in response.content
        assert b'value="06:45"' in response.content
        assert not NotificationPreference.objects.exists()

    def test_quiet_hours_that_end_when_they_start_are_refused_under_the_end_field(
        self, client_for: ClientFor, patient: User
    ) -> None:
        response = client_for(patient).post(
            PREFS, {"channel": "email", "quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Quiet hours must end at a different time than they start" in page
        assert 'href="#id_quiet_hours_end"' in page  # the error summary links to the field
        assert 'value="22:00"' in page
        assert not NotificationPreference.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"channel": "pigeon", "quiet_hours_start": "22:00", "quiet_hours_end": "07:00"},
            {"channel": "email", "quiet_hours_start": "25:99", "quiet_hours_end": "07:00"},
            {},
        ],
    )
    def test_nonsense_is_refused_without_a_crash(
        self, client_for: ClientFor, patient: User, data: dict[str, str]
    ) -> None:
        response = client_for(patient).post(PREFS, data)
        assert response.status_code == 200
        assert b"invalid-feedback" in response.content

    def test_the_text_option_is_hidden_when_texts_are_off(
        self, client_for: ClientFor, patient: User, settings: Any
    ) -> None:
        settings.SMS_PROVIDER = "disabled"
        assert b"Text message" not in client_for(patient).get(PREFS).content

    def test_each_patient_sees_only_their_own_settings(
        self, client_for: ClientFor, patient: User, other_patient: User
    ) -> None:
        NotificationPreference.objects.create(user=patient, quiet_hours_start=dt.time(19, 45))
        response = client_for(other_patient).get(PREFS)
        assert b'value="19:45"' not in response.content
        assert b'value="21:00"' in response.content

    def test_anonymous_is_sent_to_login(self, client_for: ClientFor) -> None:
        response = client_for(None).get(PREFS)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    @pytest.mark.parametrize("role", ["front_desk", "clinician", "clinic_admin"])
    def test_staff_may_not_open_it(
        self, client_for: ClientFor, role: str, request: pytest.FixtureRequest
    ) -> None:
        assert client_for(request.getfixturevalue(role)).get(PREFS).status_code == 403

    def test_wrong_method(self, client_for: ClientFor, patient: User) -> None:
        assert client_for(patient).put(PREFS).status_code == 405


class TestOutbox:
    def test_front_desk_sees_failed_messages_and_the_counts(
        self, client_for: ClientFor, front_desk: User, patient: User
    ) -> None:
        outbox_row(patient, status="failed", attempts=5, last_error="mail server: TimeoutError")
        outbox_row(patient, send_at=timezone.now() - dt.timedelta(minutes=30))
        response = client_for(front_desk).get(OUTBOX)
        assert response.status_code == 200
        assert b"mail server: TimeoutError" in response.content
        assert patient.email.encode() in response.content
        assert b"Send again" in response.content
        assert b"Some messages are late" in response.content
        assert response.context["health"] == {"pending": 1, "late": 1, "failed": 1, "sent_today": 0}

    def test_an_empty_outbox_says_so(self, client_for: ClientFor, clinic_admin: User) -> None:
        response = client_for(clinic_admin).get(OUTBOX)
        assert b"No failed messages" in response.content

    def test_the_page_queries_stay_bounded(
        self,
        client_for: ClientFor,
        front_desk: User,
        django_assert_max_num_queries: Any,
    ) -> None:
        patients = [PatientFactory() for _ in range(10)]
        for i in range(100):
            outbox_row(patients[i % 10], status="failed", attempts=5, last_error="x")
        client = client_for(front_desk)
        with django_assert_max_num_queries(12):
            response = client.get(OUTBOX)
        assert len(response.context["failed"]) == 50

    def test_failed_messages_come_fifty_a_page_latest_first(
        self, client_for: ClientFor, front_desk: User
    ) -> None:
        patient = PatientFactory()
        rows = [
            outbox_row(patient, status="failed", attempts=5, last_error=f"error {i}")
            for i in range(60)
        ]
        client = client_for(front_desk)
        first = client.get(OUTBOX)
        assert [n.pk for n in first.context["failed"]] == [r.pk for r in rows[::-1][:50]]
        assert b"Showing 1-50 of 60" in first.content
        assert b'href="?page=2"' in first.content
        second = client.get(OUTBOX, {"page": "2"})
        assert [n.pk for n in second.context["failed"]] == [r.pk for r in rows[::-1][50:]]
        assert b"Showing 51-60 of 60" in second.content
        # A page past the end shows the last one, as the other lists do.
        assert client.get(OUTBOX, {"page": "99"}).context["page"].number == 2

    @pytest.mark.parametrize("role", ["patient", "clinician"])
    def test_others_may_not_open_it(
        self, client_for: ClientFor, role: str, request: pytest.FixtureRequest
    ) -> None:
        assert client_for(request.getfixturevalue(role)).get(OUTBOX).status_code == 403

    def test_anonymous_is_sent_to_login(self, client_for: ClientFor) -> None:
        assert client_for(None).get(OUTBOX).status_code == 302

    def test_wrong_method(self, client_for: ClientFor, front_desk: User) -> None:
        assert client_for(front_desk).post(OUTBOX).status_code == 405


class TestRetry:
    def test_front_desk_sends_a_failed_message_again(
        self, client_for: ClientFor, front_desk: User, patient: User, on_commit: Any
    ) -> None:
        row = outbox_row(patient, status="failed", attempts=5, last_error="x")
        with on_commit() as callbacks:
            response = client_for(front_desk).post(retry_url(row))
        assert response.status_code == 302
        assert response["Location"] == OUTBOX
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 0)
        assert len(callbacks) == 1

    def test_a_message_that_is_not_failed_is_left_alone(
        self, client_for: ClientFor, front_desk: User, patient: User
    ) -> None:
        row = outbox_row(patient, status="sent", sent_at=timezone.now())
        client = client_for(front_desk)
        response = client.post(retry_url(row), follow=True)
        assert b"Only a failed message can be sent again." in response.content
        row.refresh_from_db()
        assert row.status == "sent"

    def test_an_unknown_message_is_404(self, client_for: ClientFor, front_desk: User) -> None:
        url = reverse("notifications:outbox-retry", kwargs={"notification_id": 999_999})
        assert client_for(front_desk).post(url).status_code == 404

    @pytest.mark.parametrize("role", ["patient", "other_patient", "clinician"])
    def test_others_may_not_retry(
        self,
        client_for: ClientFor,
        role: str,
        request: pytest.FixtureRequest,
        patient: User,
    ) -> None:
        row = outbox_row(patient, status="failed", attempts=5)
        assert client_for(request.getfixturevalue(role)).post(retry_url(row)).status_code == 403
        row.refresh_from_db()
        assert row.status == "failed"

    def test_anonymous_is_sent_to_login(self, client_for: ClientFor, patient: User) -> None:
        row = outbox_row(patient, status="failed", attempts=5)
        assert client_for(None).post(retry_url(row)).status_code == 302

    def test_wrong_method(self, client_for: ClientFor, front_desk: User, patient: User) -> None:
        row = outbox_row(patient, status="failed", attempts=5)
        assert client_for(front_desk).get(retry_url(row)).status_code == 405
