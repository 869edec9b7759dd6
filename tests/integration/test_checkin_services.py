"""Mood and weekly check-ins: one per day, the safety path, the relapse alert, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from intake.models import Intake
from integration.models import Instrument, MoodCheckin
from integration.services import (
    checkin_reminder_ensure,
    mood_checkin_save,
    reminder_topic,
    symptom_checkin_submit,
)
from integration.window import CLINIC_ZONE
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification, StaffAlert
from tests.integration.factories import add_phq9, gad7_items_for, phq9_items_for

pytestmark = pytest.mark.django_db

MONDAY_MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CLINIC_ZONE)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_mood_is_one_per_day_and_a_second_save_changes_it(patient) -> None:
    mood_checkin_save(patient=patient, score=4, note="tired")
    mood_checkin_save(patient=patient, score=6, note="better after a walk")
    row = MoodCheckin.objects.get(patient=patient)
    assert (row.day, row.score, row.note) == (dt.date(2026, 3, 2), 6, "better after a walk")


def test_mood_day_is_the_clinic_day_not_utc(patient) -> None:
    # 11 pm in Folsom is already tomorrow in UTC.
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 0, tzinfo=CLINIC_ZONE), tick=False):
        mood_checkin_save(patient=patient, score=5)
    with time_machine.travel(dt.datetime(2026, 3, 3, 7, 0, tzinfo=CLINIC_ZONE), tick=False):
        mood_checkin_save(patient=patient, score=7)
    assert list(MoodCheckin.objects.values_list("day", "score")) == [
        (dt.date(2026, 3, 2), 5),
        (dt.date(2026, 3, 3), 7),
    ]


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_mood_out_of_range_is_refused(patient, score: int) -> None:
    with pytest.raises(ValidationError, match="0 to 10"):
        mood_checkin_save(patient=patient, score=score)


def test_only_patients_check_in(clinician) -> None:
    with pytest.raises(Http404):
        mood_checkin_save(patient=clinician, score=5)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_phq9_is_scored_with_the_intake_instrument(patient) -> None:
    checkin = symptom_checkin_submit(
        patient=patient, instrument=Instrument.PHQ9, answers=phq9_items_for(12)
    )
    assert (checkin.total, checkin.band, checkin.safety_flag) == (12, "moderate", False)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_second_phq9_the_same_day_is_refused(patient) -> None:
    symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(8))
    with pytest.raises(ValidationError, match="already completed today's PHQ-9"):
        symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(9))
    # A GAD-7 the same day is its own check-in.
    symptom_checkin_submit(patient=patient, instrument="gad7", answers=gad7_items_for(6))


def test_incomplete_answers_are_refused(patient) -> None:
    with pytest.raises(ValidationError, match="answer every question"):
        symptom_checkin_submit(patient=patient, instrument="phq9", answers=[1, 2, 3])


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_item_9_above_zero_follows_the_intake_safety_path_at_once(patient) -> None:
    Intake.objects.create(patient=patient)
    checkin = symptom_checkin_submit(
        patient=patient, instrument="phq9", answers=phq9_items_for(6, item9=1)
    )
    assert checkin.safety_flag
    alert = StaffAlert.objects.get(patient=patient)
    assert alert.urgent
    assert alert.kind == StaffAlert.Kind.URGENT_SCREENING
    assert alert.url == f"/integration/patients/{patient.pk}/trends/"
    assert Intake.objects.get(patient=patient).urgent
    # Clinicians hear of it without waiting for any batch: a message due now.
    assert not Notification.objects.filter(kind=Kind.CLINICIAN_ALERT, send_at__gt=MONDAY_MORNING)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_one_self_harm_answer_that_also_rises_raises_one_alert_with_one_name(
    patient, clinician
) -> None:
    """The answer is one safety episode: the rise in the same PHQ-9 is told in its alert,
    not in a second alert of another kind."""
    today = MONDAY_MORNING.date()
    for weeks_ago, total in [(3, 12), (2, 6), (1, 7)]:
        add_phq9(patient, today - dt.timedelta(weeks=weeks_ago), total)
    symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(11, item9=1))
    alert = StaffAlert.objects.get(patient=patient)
    assert (alert.kind, alert.urgent) == (StaffAlert.Kind.URGENT_SCREENING, True)
    assert alert.get_kind_display() == "Safety concern"
    assert "weekly PHQ-9" in alert.title
    assert "5 points above the lowest" in alert.title
    assert Notification.objects.filter(recipient=clinician, kind=Kind.CLINICIAN_ALERT).count() == 1


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_gad7_never_triggers_the_safety_path(patient) -> None:
    symptom_checkin_submit(patient=patient, instrument="gad7", answers=[3] * 7)
    assert not StaffAlert.objects.exists()


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_phq9_rising_five_above_the_lowest_raises_a_relapse_alert_suggesting_a_booster(
    patient, clinician
) -> None:
    today = MONDAY_MORNING.date()
    for weeks_ago, total in [(4, 21), (3, 12), (2, 6), (1, 7)]:
        add_phq9(patient, today - dt.timedelta(weeks=weeks_ago), total)
    symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(11))
    alert = StaffAlert.objects.get(kind=StaffAlert.Kind.RELAPSE_SIGNAL)
    assert alert.patient == patient
    assert "5 points above the lowest since induction (6)" in alert.title
    assert "booster" in alert.title
    assert Notification.objects.filter(recipient=clinician, kind=Kind.CLINICIAN_ALERT).exists()


def test_one_relapse_alert_per_episode_however_many_checkins_follow(patient) -> None:
    start = dt.date(2026, 3, 2)
    add_phq9(patient, start - dt.timedelta(weeks=2), 18)
    add_phq9(patient, start - dt.timedelta(weeks=1), 8)
    for week, total in enumerate([12, 13, 15]):
        day = start + dt.timedelta(weeks=week)
        with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=CLINIC_ZONE)):
            symptom_checkin_submit(
                patient=patient, instrument="phq9", answers=phq9_items_for(total)
            )
    alerts = StaffAlert.objects.filter(kind=StaffAlert.Kind.RELAPSE_SIGNAL)
    assert alerts.count() == 1
    assert "back to 12 (from 8)" in alerts.get().title


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_steady_improvement_raises_nothing(patient) -> None:
    today = MONDAY_MORNING.date()
    for weeks_ago, total in [(3, 22), (2, 15), (1, 9)]:
        add_phq9(patient, today - dt.timedelta(weeks=weeks_ago), total)
    symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(7))
    assert not StaffAlert.objects.exists()


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_each_checkin_moves_the_weekly_reminder_a_week_on(patient) -> None:
    first = symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(8))
    second = symptom_checkin_submit(patient=patient, instrument="gad7", answers=gad7_items_for(5))
    rows = Notification.objects.filter(topic=reminder_topic(patient)).order_by("id")
    assert [r.status for r in rows] == [Notification.Status.CANCELLED, Notification.Status.PENDING]
    pending = rows.last()
    assert pending.kind == Kind.SYMPTOM_CHECKIN
    assert pending.send_at == dt.datetime(2026, 3, 9, 9, 0, tzinfo=CLINIC_ZONE)
    assert pending.idempotency_key == f"symptom-checkin:{second.pk}:next"
    assert first.pk != second.pk


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_reminder_carries_nothing_clinical(patient) -> None:
    symptom_checkin_submit(patient=patient, instrument="phq9", answers=phq9_items_for(19))
    row = Notification.objects.get(topic=reminder_topic(patient), status="pending")
    assert set(row.context) == {"url"}
    assert row.context["url"].endswith("/integration/trends/")


def test_reminder_is_started_once(patient) -> None:
    checkin_reminder_ensure(patient=patient, from_day=dt.date(2026, 3, 2))
    checkin_reminder_ensure(patient=patient, from_day=dt.date(2026, 3, 4))
    assert Notification.objects.filter(topic=reminder_topic(patient)).count() == 1
