from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from portal.notifications.demo import DEMO_PATIENT_EMAIL, seed_demo_reminder
from portal.notifications.models import Notification
from tests.factories import PatientFactory


@pytest.mark.django_db
def test_the_demo_writes_one_reminder_due_now_for_the_demo_patient(on_commit: Any) -> None:
    demo_patient = PatientFactory(email=DEMO_PATIENT_EMAIL)
    with on_commit() as callbacks:
        seed_demo_reminder()
        seed_demo_reminder()
    row = Notification.objects.get()
    assert row.recipient == demo_patient
    assert row.send_at <= timezone.now()
    assert len(callbacks) >= 1  # handed to the worker once the seed commits


@pytest.mark.django_db
def test_without_the_demo_patient_it_writes_nothing() -> None:
    seed_demo_reminder()
    assert not Notification.objects.exists()
