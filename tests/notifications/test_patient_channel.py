"""The patient's channel decides every message sent to them, and quiet hours hold texts.

Found on a phone: a patient who asked for a text message on their appointment request got
the confirmation by email (the request's "How should we contact you?" was never read).
Account emails (sign-up, password) and staff invitations stay email: they prove an address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from portal.models import User
from portal.notifications.dispatch import notifications_dispatch_due
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel, Notification, NotificationPreference
from portal.notifications.services import notification_schedule
from scheduling.models import ContactPreference, RoomKind
from scheduling.services import (
    appointment_request_confirm,
    appointment_request_decline,
    reply_channel,
)
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
)

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
MORNING = dt.datetime(2026, 3, 3, 10, 0, tzinfo=LA)
NIGHT = dt.datetime(2026, 3, 3, 23, 30, tzinfo=LA)
NEXT_MORNING = dt.datetime(2026, 3, 4, 8, 0, tzinfo=LA)

# Sent to someone else than the patient, or by email because they prove an address.
NOT_TO_THE_PATIENT = {Kind.CLINICIAN_ALERT, Kind.ESCORT_PICKUP}
EMAIL_ONLY = {Kind.STAFF_INVITATION, Kind.ACCOUNT_CONFIRM_EMAIL, Kind.ACCOUNT_ALREADY_EXISTS}
PATIENT_KINDS = sorted(set(Kind) - NOT_TO_THE_PATIENT - EMAIL_ONLY)


def texts_please(patient: User) -> None:
    NotificationPreference.objects.create(user=patient, channel=Channel.SMS)


@pytest.mark.parametrize("kind", PATIENT_KINDS)
def test_every_kind_to_a_patient_who_chose_texts_goes_by_text(patient: User, kind: str) -> None:
    texts_please(patient)
    with time_machine.travel(MORNING, tick=False):
        row = notification_schedule(
            recipient=patient,
            kind=kind,
            send_at=MORNING,
            idempotency_key=f"test:{kind}",
            context={"url": "https://portal.example/x"},
        )
        assert row.channel == Channel.SMS
        assert notifications_dispatch_due().sent == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert mail.outbox == []


@pytest.mark.parametrize("kind", PATIENT_KINDS)
def test_every_kind_by_text_waits_for_the_end_of_quiet_hours(patient: User, kind: str) -> None:
    texts_please(patient)
    with time_machine.travel(NIGHT, tick=False):
        row = notification_schedule(
            recipient=patient,
            kind=kind,
            send_at=NIGHT,
            idempotency_key=f"test:{kind}",
            context={"url": "https://portal.example/x"},
        )
        assert row.send_at == NEXT_MORNING
        assert notifications_dispatch_due().sent == 0
    assert mail.outbox == []


def test_the_reply_to_a_request_goes_the_way_the_patient_asked() -> None:
    assert reply_channel(ContactPreference.TEXT) == Channel.SMS
    assert reply_channel(ContactPreference.EMAIL) == Channel.EMAIL
    assert reply_channel(ContactPreference.PHONE) is None  # their saved choice decides


@pytest.fixture
def therapy_room(clinician: User) -> Any:
    hours_every_day(clinician, folsom())
    return RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A")


@time_machine.travel(MORNING, tick=False)
def test_a_request_asking_for_a_text_is_confirmed_by_text(
    patient: User, front_desk: User, clinician: User, therapy_room: Any
) -> None:
    """No saved preference (email by default): the request's own answer decides."""
    pending = AppointmentRequestFactory(patient=patient, contact_preference="text")
    appointment_request_confirm(
        request=pending,
        by=front_desk,
        starts_at=next_local(2, 11),
        clinician=clinician,
        room=therapy_room,
    )
    confirmed = Notification.objects.get(recipient=patient, kind=Kind.REQUEST_CONFIRMED)
    assert confirmed.channel == Channel.SMS
    notifications_dispatch_due()
    confirmed.refresh_from_db()
    assert confirmed.status == Notification.Status.SENT
    assert mail.outbox == []


@time_machine.travel(NIGHT, tick=False)
def test_a_request_declined_at_night_is_texted_in_the_morning(
    patient: User, front_desk: User
) -> None:
    pending = AppointmentRequestFactory(patient=patient, contact_preference="text")
    appointment_request_decline(request=pending, by=front_desk, reason="Fully booked that week.")
    declined = Notification.objects.get(recipient=patient, kind=Kind.REQUEST_DECLINED)
    # No saved quiet hours: the default ones (21:00 to 08:00) hold the text.
    assert (declined.channel, declined.send_at) == (Channel.SMS, NEXT_MORNING)


@time_machine.travel(MORNING, tick=False)
def test_a_request_asking_for_a_call_follows_the_saved_choice(
    patient: User, front_desk: User
) -> None:
    texts_please(patient)
    pending = AppointmentRequestFactory(patient=patient, contact_preference="phone")
    appointment_request_decline(request=pending, by=front_desk, reason="Fully booked that week.")
    declined = Notification.objects.get(recipient=patient, kind=Kind.REQUEST_DECLINED)
    assert declined.channel == Channel.SMS


def test_the_request_form_starts_from_the_saved_choice(patient: User, client_for: Any) -> None:
    texts_please(patient)
    page = client_for(patient).get("/scheduling/requests/new/")
    assert page.context["form"]["contact_preference"].value() == "text"
