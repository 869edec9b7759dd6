"""Secure messages: a patient writes to the desk or the care team, staff answer in the
portal, and what leaves the portal says only that a message is waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.audit import AuditEvent
from portal.messaging import selectors
from portal.messaging.models import Message, MessageThread
from portal.messaging.rules import is_overdue, reply_due_at
from portal.messaging.services import message_post, thread_close, thread_start, thread_take
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from tests.factories import PatientFactory

LA = ZoneInfo("America/Los_Angeles")


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LA)


@pytest.mark.parametrize(
    ("written", "days", "due"),
    [
        (at("2026-12-02", "15:30"), 1, at("2026-12-03", "15:30")),  # Wed -> Thu
        (at("2026-12-04", "16:00"), 1, at("2026-12-07", "16:00")),  # Fri -> Mon
        (at("2026-12-05", "22:00"), 1, at("2026-12-08", "00:00")),  # Sat night -> Tue
        (at("2026-12-06", "09:00"), 1, at("2026-12-08", "00:00")),  # Sun -> Tue
        (at("2026-12-03", "09:00"), 2, at("2026-12-07", "09:00")),  # Thu + 2 -> Mon
        (at("2026-12-07", "08:00"), 0, at("2026-12-07", "08:00")),
        # Across the spring clock change the local time holds (Fri 6 Mar 2027 -> Mon 8 Mar).
        (at("2027-03-05", "09:00"), 1, at("2027-03-08", "09:00")),
    ],
)
def test_the_reply_target_counts_business_days(
    written: dt.datetime, days: int, due: dt.datetime
) -> None:
    assert reply_due_at(written, days, LA) == due
    assert not is_overdue(written, now=due - dt.timedelta(minutes=1), business_days=days, zone=LA)
    assert is_overdue(written, now=due, business_days=days, zone=LA)


def test_nothing_waiting_is_never_overdue() -> None:
    assert not is_overdue(None, now=at("2030-01-01"), business_days=1, zone=LA)


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_scheduling_message_reaches_the_desk_and_not_the_clinicians(
    patient: Any, front_desk: Any, clinician: Any, on_commit: Any
) -> None:
    thread_start(
        patient=patient, topic="scheduling", subject="Parking", body="Where do I park on Friday?"
    )
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {front_desk.pk}


@pytestmark_db
def test_a_care_message_reaches_every_clinician_kind_and_not_the_desk(
    patient: Any, front_desk: Any, clinician: Any, nurse: Any, therapist: Any
) -> None:
    thread_start(patient=patient, topic="care", subject="Headache", body="My head hurts.")
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {clinician.pk, nurse.pk, therapist.pk}


@pytestmark_db
def test_once_someone_handles_it_only_they_are_told(
    patient: Any, clinician: Any, nurse: Any
) -> None:
    thread = thread_start(patient=patient, topic="care", subject="Sleep", body="Hard to sleep.")
    thread_take(thread=thread, by=nurse)
    Notification.objects.all().delete()
    message_post(thread=thread, author=patient, body="Still hard.")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [nurse.pk]


@pytestmark_db
def test_no_notification_carries_the_words_of_a_message(patient: Any, clinician: Any) -> None:
    secret = "my sister found my clonazepam"
    thread = thread_start(patient=patient, topic="care", subject="Private worry", body=secret)
    message_post(thread=thread, author=clinician, body=f"About {secret}: call us.")
    rows = list(Notification.objects.all())
    assert {row.kind for row in rows} == {"message_waiting"}
    assert {row.recipient_id for row in rows} == {clinician.pk, patient.pk}
    for row in rows:
        assert set(row.context) == {"url"}
        rendered = render_message(row.kind, row.context)
        for part in (rendered.subject, rendered.text, rendered.html, rendered.sms):
            assert secret not in part
            assert "Private worry" not in part
            assert "/messages/" in part or part == rendered.subject


@pytestmark_db
def test_the_desk_cannot_answer_a_care_thread_nor_another_patient_write_in_it(
    patient: Any, other_patient: Any, front_desk: Any, clinician: Any
) -> None:
    care = thread_start(patient=patient, topic="care", subject="Mood", body="Low this week.")
    with pytest.raises(PermissionDenied):
        message_post(thread=care, author=front_desk, body="Hi")
    with pytest.raises(PermissionDenied):
        message_post(thread=care, author=other_patient, body="Hi")
    with pytest.raises(PermissionDenied):
        thread_take(thread=care, by=front_desk)
    desk = thread_start(patient=patient, topic="scheduling", subject="Bill", body="Receipt?")
    with pytest.raises(PermissionDenied):
        thread_close(thread=desk, by=clinician)
    assert Message.objects.count() == 2


@pytestmark_db
def test_an_empty_message_is_refused_and_what_was_typed_stays(
    client_for: Any, patient: Any
) -> None:
    response = client_for(patient).post(
        reverse("messaging:thread-new"),
        {"topic": "scheduling", "subject": "Moving my visit", "body": "   "},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Moving my visit"' in page
    assert "Not for emergencies" in page or "not for emergencies" in page
    assert not MessageThread.objects.exists()


@pytestmark_db
def test_a_reply_is_unread_for_the_patient_until_they_open_it(
    client_for: Any, patient: Any, clinician: Any
) -> None:
    thread = thread_start(patient=patient, topic="care", subject="Nausea", body="Since Monday.")
    assert selectors.unread_for_patient(patient=patient) == 0
    client_for(clinician).post(
        reverse("messaging:staff-thread", kwargs={"thread_id": thread.pk}),
        {"body": "Small meals, and call us if it lasts."},
    )
    assert selectors.unread_for_patient(patient=patient) == 1
    home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert 'data-testid="unread-messages"' in home
    page = client_for(patient).get(reverse("messaging:thread", kwargs={"thread_id": thread.pk}))
    assert "Small meals, and call us if it lasts." in page.content.decode()
    assert selectors.unread_for_patient(patient=patient) == 0
    thread.refresh_from_db()
    assert thread.handled_by == clinician
    assert thread.awaiting_reply_since is None


@pytestmark_db
def test_a_thread_past_the_reply_target_is_overdue_in_the_inbox(
    client_for: Any, patient: Any, front_desk: Any
) -> None:
    with time_machine.travel(at("2026-12-04", "10:00")):  # a Friday
        thread = thread_start(patient=patient, topic="scheduling", subject="Parking", body="?")
    with time_machine.travel(at("2026-12-07", "09:59")):
        response = client_for(front_desk).get(reverse("messaging:staff-inbox"))
        assert response.status_code == 200
        assert f'data-testid="inbox-thread-{thread.pk}">' in response.content.decode()
        assert selectors.staff_counts(user=front_desk).overdue == 0
    with time_machine.travel(at("2026-12-07", "10:01")):
        response = client_for(front_desk).get(reverse("messaging:staff-inbox"))
        page = response.content.decode()
        assert f'data-testid="inbox-thread-{thread.pk}" class="table-danger"' in page
        counts = selectors.staff_counts(user=front_desk)
        assert (counts.unread, counts.waiting, counts.overdue) == (1, 1, 1)


@pytestmark_db
def test_clinicians_reads_of_care_threads_and_their_inbox_are_audited(
    client_for: Any, patient: Any, clinician: Any, front_desk: Any
) -> None:
    care = thread_start(patient=patient, topic="care", subject="Worse", body="Feeling worse.")
    client_for(clinician).get(reverse("messaging:staff-inbox"))
    client_for(clinician).get(reverse("messaging:staff-thread", kwargs={"thread_id": care.pk}))
    actions = set(AuditEvent.objects.filter(actor=clinician).values_list("action", "patient_id"))
    assert ("message_inbox.view", patient.pk) in actions
    assert ("message_thread.view", patient.pk) in actions
    desk = thread_start(patient=patient, topic="scheduling", subject="Time", body="Later?")
    client_for(front_desk).get(reverse("messaging:staff-thread", kwargs={"thread_id": desk.pk}))
    assert not AuditEvent.objects.filter(actor=front_desk).exists()


@pytestmark_db
def test_the_staff_inbox_costs_the_same_for_many_threads(
    client_for: Any, front_desk: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        thread_start(
            patient=PatientFactory(), topic="scheduling", subject=f"Question {n}", body="?"
        )
    client = client_for(front_desk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("messaging:staff-inbox"))
    assert response.content.decode().count('data-testid="inbox-thread-') == 25


@pytestmark_db
def test_a_patient_writing_again_reopens_a_closed_thread(patient: Any, front_desk: Any) -> None:
    thread = thread_start(patient=patient, topic="scheduling", subject="Form", body="Which?")
    thread_close(thread=thread, by=front_desk)
    message_post(thread=thread, author=patient, body="One more thing.")
    thread.refresh_from_db()
    assert not thread.is_closed
    assert thread.awaiting_reply_since is not None


@pytestmark_db
def test_a_message_over_the_limit_is_refused(patient: Any) -> None:
    with pytest.raises(ValidationError):
        thread_start(patient=patient, topic="care", subject="Long", body="x" * 5001)
    assert not MessageThread.objects.exists()
