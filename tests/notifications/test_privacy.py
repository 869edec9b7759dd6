"""No message, subject or text carries a diagnosis, drug, modality, dose or score."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.rendering import render_message
from portal.notifications.services import notification_schedule

FORBIDDEN = re.compile(
    r"ketamine|esketamine|spravato|infusion|\biv\b|\bkap\b|phq|gad-?7|\bgad\b|depress|anxi"
    r"|ptsd|\bmg\b|milligram|\bdose|dosing|suicid|self-harm|score|diagnos|psychedelic"
    r"|prescri|medication|\brems\b|nasal|dissociat|c-ssrs|blood pressure|vitals",
    re.IGNORECASE,
)

FULL_CONTEXT = {
    "starts_at": "2026-03-03T18:00:00+00:00",
    "location": "Folsom",
    "url": "http://127.0.0.1:8000/patient/",
    "urgent": True,
}


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("urgent", [True, False])
def test_every_kind_renders_without_clinical_words(kind: Kind, urgent: bool) -> None:
    message = render_message(kind, {**FULL_CONTEXT, "urgent": urgent})
    for part_name, part in [
        ("subject", message.subject),
        ("text", message.text),
        ("html", message.html),
        ("sms", message.sms),
    ]:
        assert part.strip(), f"{kind} {part_name} is empty"
        found = FORBIDDEN.findall(part)
        assert not found, f"{kind} {part_name} says {found}: {part!r}"
        assert "{{" not in part
        assert "{%" not in part
    assert "http://127.0.0.1:8000/patient/" in message.text
    assert "http://127.0.0.1:8000/patient/" in message.sms
    assert 'href="http://127.0.0.1:8000/patient/"' in message.html
    assert "\n" not in message.subject


@pytest.mark.parametrize(
    "kind", [Kind.APPOINTMENT_REMINDER, Kind.REQUEST_CONFIRMED, Kind.APPOINTMENT_CANCELLED]
)
def test_visit_messages_give_the_time_in_california_and_the_place(kind: Kind) -> None:
    message = render_message(kind, FULL_CONTEXT)
    # 18:00 UTC on 3 Mar 2026 is 10:00 Pacific standard time.
    for part in (message.subject, message.text, message.sms):
        assert "Tue 3 Mar, 10:00 AM" in part, part
    assert "Folsom" in message.text
    assert "Folsom" in message.sms


def test_summer_times_use_daylight_time() -> None:
    message = render_message(
        Kind.APPOINTMENT_REMINDER, {**FULL_CONTEXT, "starts_at": "2026-07-14T17:30:00+00:00"}
    )
    assert "Tue 14 Jul, 10:30" in message.subject


def test_a_template_cannot_print_a_key_outside_the_contract() -> None:
    message = render_message(
        Kind.APPOINTMENT_REMINDER, {**FULL_CONTEXT, "service": "IV ketamine infusion"}
    )
    assert "ketamine" not in message.text + message.html + message.sms + message.subject


def test_an_unreadable_time_renders_no_time_rather_than_failing() -> None:
    message = render_message(Kind.APPOINTMENT_CANCELLED, {"starts_at": "not a date"})
    assert "cancelled" in message.subject


@pytest.mark.django_db
def test_scheduling_a_message_with_clinical_context_is_refused(patient: User) -> None:
    from django.utils import timezone

    with pytest.raises(ValidationError, match="may hold only"):
        notification_schedule(
            recipient=patient,
            kind=Kind.APPOINTMENT_REMINDER,
            send_at=timezone.now(),
            idempotency_key="privacy:1",
            context={"starts_at": FULL_CONTEXT["starts_at"], "modality": "spravato"},
        )


def test_a_document_ready_message_says_only_that_a_document_waits() -> None:
    # Sent when a good-faith estimate (or another billing document) is issued: the
    # message names no service, price or visit, only that something is in the portal.
    message = render_message(Kind.DOCUMENT_READY, FULL_CONTEXT)
    assert "document" in message.subject.lower()
    for part in (message.subject, message.text, message.sms):
        assert "$" not in part
        assert "estimate" not in part.lower()


SERIES = {
    **FULL_CONTEXT,
    "visits": [
        {"starts_at": "2026-03-03T18:00:00+00:00", "location": "Folsom"},
        {"starts_at": "2026-03-05T18:30:00+00:00", "location": "Roseville"},
    ],
}


def test_one_message_lists_every_booked_visit_by_time_and_place_only() -> None:
    message = render_message(Kind.REQUEST_CONFIRMED, SERIES)
    for part in (message.text, message.html, message.sms):
        assert "Tue 3 Mar, 10:00 AM" in part
        assert "Thu 5 Mar, 10:30 AM" in part
        assert "Roseville" in part
        assert not FORBIDDEN.findall(part)
    assert message.subject == "Your visits are booked, from Tue 3 Mar, 10:00 AM"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "visits",
    [
        [{"starts_at": "2026-03-03T18:00:00+00:00", "service": "IV ketamine infusion"}],
        [{"starts_at": "2026-03-03T18:00:00", "location": "Folsom"}],  # no time zone
        [{"location": "Folsom"}],
        [],
        "Tue 3 Mar",
    ],
)
def test_a_visit_list_carries_nothing_but_times_and_places(visits, patient: User) -> None:
    with pytest.raises(ValidationError):
        notification_schedule(
            recipient=patient,
            kind=Kind.REQUEST_CONFIRMED,
            send_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            idempotency_key="series:test",
            context={"visits": visits},
        )
