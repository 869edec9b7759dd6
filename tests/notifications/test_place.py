"""A visit's place in a message: stored as data, written in the recipient's language
when the message is rendered (a video visit reads "Telesalud (video)" in Spanish)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.rendering import render_message
from portal.notifications.services import notification_schedule, visit_place

STARTS = "2026-03-03T18:00:00+00:00"


def test_a_place_is_a_name_or_a_video_visit() -> None:
    assert visit_place("Folsom") == {"location": "Folsom"}
    assert visit_place(None) == {"location": "", "telehealth": True}
    assert visit_place("") == {"location": "", "telehealth": True}


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Telehealth (video)"), ("es", "Telesalud (video)")]
)
def test_a_video_visit_reads_in_the_recipients_language(language: str, words: str) -> None:
    with translation.override("en" if language == "es" else "es"):  # whoever renders
        message = render_message(
            Kind.APPOINTMENT_REMINDER,
            {"starts_at": STARTS, **visit_place(None)},
            language=language,
        )
    for part in (message.text, message.sms, message.html):
        assert words in part, part


def test_rows_stored_with_the_english_words_read_spanish_too() -> None:
    """Rows written before the place was data hold "Telehealth (video)" as their location."""
    old = {"starts_at": STARTS, "location": "Telehealth (video)"}
    message = render_message(Kind.APPOINTMENT_REMINDER, old, language="es")
    assert "Telesalud (video)" in message.text
    assert "Telehealth" not in message.text
    visits = {"visits": [old, {"starts_at": STARTS, **visit_place(None)}]}
    series = render_message(Kind.REQUEST_CONFIRMED, visits, language="es")
    assert series.sms.count("Telesalud (video)") == 2, series.sms
    assert "Telehealth" not in series.sms


def test_a_clinic_name_prints_as_it_is() -> None:
    message = render_message(
        Kind.APPOINTMENT_REMINDER, {"starts_at": STARTS, "location": "Folsom"}, language="es"
    )
    assert "Folsom" in message.text
    assert "Telesalud" not in message.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "context",
    [
        {"starts_at": STARTS, "telehealth": "yes"},
        {"starts_at": STARTS, "telehealth": False},
        {"visits": [{"starts_at": STARTS, "telehealth": 1}]},
    ],
)
def test_telehealth_is_true_or_left_out(context: dict, patient: User) -> None:
    with pytest.raises(ValidationError):
        notification_schedule(
            recipient=patient,
            kind=Kind.REQUEST_CONFIRMED,
            send_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            idempotency_key="place:test",
            context=context,
        )


@pytest.mark.django_db
def test_a_video_visit_is_stored_as_data(patient: User) -> None:
    row = notification_schedule(
        recipient=patient,
        kind=Kind.REQUEST_CONFIRMED,
        send_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        idempotency_key="place:stored",
        context={
            "starts_at": STARTS,
            **visit_place(None),
            "visits": [{"starts_at": STARTS, **visit_place(None)}],
        },
    )
    assert row.context["telehealth"] is True
    assert row.context["visits"] == [{"starts_at": STARTS, "location": "", "telehealth": True}]
