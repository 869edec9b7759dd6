"""Integration journeys, in the patients' words:

- "The day after my infusion I booked my integration session from my phone."
- "I tried to book three days after my session and was told why I could not."
- "I logged my mood for a week and a PHQ-9, and I can see my chart."
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from intake.models import Intake
from integration.window import CLINIC_ZONE
from portal.formats import format_day
from portal.models import ClinicianKind
from scheduling.models import Appointment, ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, PatientFactory
from tests.integration.factories import add_gad7, add_mood, add_phq9
from tests.scheduling.factories import hours_every_day
from tests.treatments.factories import course_started, session_discharged
from treatments.models import DosingSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def an_integration_therapist() -> None:
    therapist = ClinicianFactory(
        full_name="Tara Singh, LMFT", clinician_kind=ClinicianKind.THERAPIST
    )
    hours_every_day(therapist, None, dt.time(8), dt.time(18))


def discharged_so_the_window_opens_tomorrow_morning(email: str) -> DosingSession:
    """A session that ended 24 h before 8 am tomorrow: the window is tomorrow's day."""
    patient = PatientFactory(email=email)
    session = session_discharged(course_started(patient))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    opens = dt.datetime.combine(tomorrow, dt.time(8), tzinfo=CLINIC_ZONE)
    DosingSession.objects.filter(pk=session.pk).update(discharged_at=opens - dt.timedelta(hours=24))
    return session


def test_after_discharge_a_patient_books_integration_the_next_day(
    live_server: Any, page: Any
) -> None:
    an_integration_therapist()
    session = discharged_so_the_window_opens_tomorrow_morning("after.infusion@example.test")
    log_in(page, live_server.url, "after.infusion@example.test", TEST_PASSWORD)

    # The home page offers integration while the window is open.
    page.get_by_test_id("integration-window-panel").wait_for()
    page.get_by_role("link", name="Choose a time").click()
    page.get_by_test_id("slot-list").wait_for()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert f"Free times on {format_day(tomorrow)}" in page.content()
    page.get_by_test_id("slot-list").get_by_role("button", name="Book").first.click()

    page.get_by_test_id("integration-booked").wait_for()
    appointment = Appointment.objects.get(
        patient=session.patient, service__kind=ServiceKind.INTEGRATION
    )
    assert appointment.starts_at.astimezone(CLINIC_ZONE).date() == tomorrow
    assert appointment.clinician.full_name == "Tara Singh, LMFT"


def test_a_patient_trying_three_days_later_is_told_why_not(live_server: Any, page: Any) -> None:
    an_integration_therapist()
    session = discharged_so_the_window_opens_tomorrow_morning("three.days@example.test")
    log_in(page, live_server.url, "three.days@example.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/integration/sessions/{session.pk}/slots/")
    ended_on = session.patient.dosing_sessions.get().discharged_at.astimezone(CLINIC_ZONE).date()
    page.locator("#id_day").fill((ended_on + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Show times").click()

    refusal = page.get_by_test_id("day-outside-window")
    refusal.wait_for()
    assert "integration window has closed" in refusal.inner_text()
    assert page.get_by_test_id("slot-list").count() == 0
    assert not Appointment.objects.filter(
        patient=session.patient, service__kind=ServiceKind.INTEGRATION
    ).exists()


def test_a_patient_logs_a_week_of_mood_and_a_phq9_and_sees_the_chart(
    live_server: Any, page: Any
) -> None:
    patient = PatientFactory(email="mood.week@example.test")
    today = timezone.localdate()
    for days_ago, score in zip(range(6, 0, -1), [3, 4, 4, 5, 6, 6], strict=True):
        add_mood(patient, today - dt.timedelta(days=days_ago), score)
    log_in(page, live_server.url, "mood.week@example.test", TEST_PASSWORD)

    page.goto(f"{live_server.url}/integration/mood/")
    page.locator('input[name="score"][value="7"]').check()
    page.locator("#id_note").fill("A calm day.")
    page.get_by_role("button", name="Save mood").click()
    page.get_by_test_id("mood-today").wait_for()
    assert page.get_by_test_id("mood-today").inner_text() == "7/10"

    page.get_by_role("link", name="Take the PHQ-9").click()
    for item in range(1, 10):
        page.locator(f'input[name="item_{item}"][value="{1 if item < 9 else 0}"]').check()
    page.get_by_role("button", name="Submit").click()
    assert page.get_by_test_id("checkin-total").inner_text() == "8"
    page.get_by_role("link", name="See trends").click()

    page.locator('#chart-mood[data-rendered="true"]').wait_for()
    page.locator('#chart-phq9[data-rendered="true"]').wait_for()
    page.get_by_text("Scores as a table").click()
    assert "mild" in page.get_by_test_id("score-table").inner_text()


def test_on_a_phone_the_chart_starts_at_intake_with_distinct_readable_labels(
    live_server: Any, page: Any
) -> None:
    """At 390 px: "Dec 1" once, no "25" over "27", the bands named, and the intake's 12
    as the first point before the check-ins' 10 and 8."""
    patient = PatientFactory(email="trend.phone@example.test")
    today = timezone.localdate()
    Intake.objects.create(
        patient=patient,
        status=Intake.Status.APPROVED,
        approved_modalities=["iv"],
        submitted_at=timezone.now() - dt.timedelta(days=40),
        phq9_total=12,
        phq9_band="moderate",
        gad7_total=11,
        gad7_band="moderate",
    )
    for days_ago, total in [(21, 10), (14, 9), (7, 8), (0, 8)]:
        add_phq9(patient, today - dt.timedelta(days=days_ago), total)
        add_gad7(patient, today - dt.timedelta(days=days_ago), 6)
    for days_ago in range(30):
        add_mood(patient, today - dt.timedelta(days=days_ago), 5)
    log_in(page, live_server.url, "trend.phone@example.test", TEST_PASSWORD)
    page.goto(f"{live_server.url}/integration/trends/")
    page.locator('#chart-phq9[data-rendered="true"]').wait_for()
    axes = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById("chart-phq9"));
          return {
            x: chart.scales.x.ticks.map((t) => t.label),
            y: chart.scales.y.ticks.map((t) => t.value),
            first: chart.data.datasets[0].data[0].y,
            wide: document.documentElement.scrollWidth,
          };
        }"""
    )
    assert len(axes["x"]) >= 2
    assert len(axes["x"]) == len(set(axes["x"]))
    assert axes["y"] == [0, 5, 10, 15, 20, 27]
    assert axes["first"] == 12
    assert axes["wide"] <= 390
    assert page.get_by_test_id("phq9-bands").is_visible()
    assert "Moderately severe 15-19" in page.get_by_test_id("phq9-bands").inner_text()
    assert "12 (moderate) at intake" in page.get_by_test_id("trend-changes").inner_text()
