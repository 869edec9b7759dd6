"""The demo seeder gives patient@demo.clinic a few weeks of history, once."""

from __future__ import annotations

import pytest

from integration import demo
from integration.models import MoodCheckin, SymptomCheckin
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_demo_history_is_seeded_once_and_never_raises_a_safety_flag() -> None:
    patient = PatientFactory(email=demo.DEMO_PATIENT)
    demo.seed()
    demo.seed()
    assert SymptomCheckin.objects.filter(patient=patient, instrument="phq9").count() == len(
        demo.PHQ9_WEEKS
    )
    assert MoodCheckin.objects.filter(patient=patient).count() >= 35
    assert not SymptomCheckin.objects.filter(safety_flag=True).exists()
    totals = list(
        SymptomCheckin.objects.filter(instrument="phq9")
        .order_by("day")
        .values_list("total", flat=True)
    )
    assert totals == demo.PHQ9_WEEKS


def test_demo_without_the_demo_patient_does_nothing() -> None:
    demo.seed()
    assert not MoodCheckin.objects.exists()
