"""Demo data: a few weeks of mood and weekly PHQ-9/GAD-7 for patient@demo.clinic."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from intake.instruments import gad7_score, phq9_score
from integration.models import Instrument, MoodCheckin, SymptomCheckin
from portal.models import User

DEMO_PATIENT = "patient@demo.clinic"
# Weekly totals after induction: a good response, then a small rise worth watching.
PHQ9_WEEKS = [19, 14, 9, 7, 6, 8]
GAD7_WEEKS = [14, 11, 8, 6, 5, 6]


def _items(total: int, count: int) -> list[int]:
    # Points fill the first items, so the PHQ-9's item 9 (self-harm) stays 0 below 25.
    items = []
    for _ in range(count):
        value = min(3, total)
        items.append(value)
        total -= value
    return items


def seed() -> None:
    patient = User.objects.filter(email=DEMO_PATIENT).first()
    if patient is None or SymptomCheckin.objects.filter(patient=patient).exists():
        return
    today = timezone.localdate()
    weeks = len(PHQ9_WEEKS)
    start = today - dt.timedelta(weeks=weeks - 1)
    for week, (phq, gad) in enumerate(zip(PHQ9_WEEKS, GAD7_WEEKS, strict=True)):
        day = start + dt.timedelta(weeks=week)
        for instrument, items, scorer in (
            (Instrument.PHQ9, _items(phq, 9), phq9_score),
            (Instrument.GAD7, _items(gad, 7), gad7_score),
        ):
            score = scorer(items)
            SymptomCheckin.objects.create(
                patient=patient,
                instrument=instrument,
                day=day,
                answers=items,
                total=score.total,
                band=score.band,
                safety_flag=score.safety_flag,
            )
    for offset in range((today - start).days + 1):
        day = start + dt.timedelta(days=offset)
        # A gentle upward drift with weekend dips, like a real diary.
        score = min(10, 3 + offset // 6 - (1 if day.weekday() >= 5 else 0))
        MoodCheckin.objects.get_or_create(patient=patient, day=day, defaults={"score": score})
