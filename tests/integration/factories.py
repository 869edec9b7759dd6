"""Integration test helpers: check-ins written straight to the table for histories."""

from __future__ import annotations

import datetime as dt

from intake.instruments import gad7_score, phq9_score
from integration.models import Instrument, MoodCheckin, SymptomCheckin
from portal.models import User


def phq9_items_for(total: int, *, item9: int = 0) -> list[int]:
    """Nine answers adding up to `total` (item 9 as given)."""
    items = [0] * 9
    items[8] = item9
    left = total - item9
    for i in range(8):
        items[i] = min(3, left)
        left -= items[i]
    assert left == 0, "total out of range"
    return items


def gad7_items_for(total: int) -> list[int]:
    items = [0] * 7
    left = total
    for i in range(7):
        items[i] = min(3, left)
        left -= items[i]
    assert left == 0, "total out of range"
    return items


def add_phq9(patient: User, day: dt.date, total: int) -> SymptomCheckin:
    items = phq9_items_for(total)
    score = phq9_score(items)
    return SymptomCheckin.objects.create(
        patient=patient,
        instrument=Instrument.PHQ9,
        day=day,
        answers=items,
        total=score.total,
        band=score.band,
        safety_flag=score.safety_flag,
    )


def add_gad7(patient: User, day: dt.date, total: int) -> SymptomCheckin:
    items = gad7_items_for(total)
    score = gad7_score(items)
    return SymptomCheckin.objects.create(
        patient=patient,
        instrument=Instrument.GAD7,
        day=day,
        answers=items,
        total=score.total,
        band=score.band,
        safety_flag=False,
    )


def add_mood(patient: User, day: dt.date, score: int, note: str = "") -> MoodCheckin:
    return MoodCheckin.objects.create(patient=patient, day=day, score=score, note=note)


def form_answers(items: list[int]) -> dict[str, str]:
    return {f"item_{n}": str(v) for n, v in enumerate(items, start=1)}
