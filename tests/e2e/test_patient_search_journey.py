"""Two patients called Alex. The desk, asked about "Alex born July 30th, 1999", types the
date of birth in the search box, tells the two apart by surname, birth date and chart
number, and opens the right one's chart: contacts and visits, nothing clinical. From
there it opens her waiting request and books the slot picker's first suggestion, which
fits what she asked for; the visit shows in the day view and on her chart, and her
request is no longer waiting. A prescriber types a chart number and sees that patient's
clinical chart; the read is audited, and the search is audited by its kind alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from portal.audit import AuditEvent
from portal.formats import format_day
from scheduling.models import Appointment, AppointmentRequest, DayPart, RoomKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.intake.factories import submitted_intake
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
)


def next_weekday(after_days: int) -> dt.date:
    """The first Monday-to-Friday day at least `after_days` from today (the clinic's
    seeded opening hours)."""
    day = timezone.localdate() + dt.timedelta(days=after_days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_desk_finds_one_of_two_alexes_by_birth_date_and_a_prescriber_by_chart_number(
    live_server: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey
    base = live_server.url
    morgan = PatientFactory(
        email="alex.morgan@example.test",
        profile__legal_name="Alex Morgan",
        profile__preferred_name="Alex",
        profile__date_of_birth=dt.date(1980, 1, 2),
        profile__emergency_contact_name="Jamie Morgan",
    )
    reyes = PatientFactory(
        email="alex.reyes@example.test",
        profile__legal_name="Alexandra Reyes",
        profile__preferred_name="Alex",
        profile__date_of_birth=dt.date(1999, 7, 30),
        profile__emergency_contact_name="Rosa Reyes",
    )
    submitted_intake(reyes)
    FrontDeskFactory(email="desk@example.test")
    prescriber = ClinicianFactory(email="dr@example.test", full_name="Dr Lee")
    hours_every_day(prescriber, folsom())
    RoomFactory(kind=RoomKind.THERAPY_ROOM, name="Therapy A")
    wanted = next_weekday(2)
    asked = AppointmentRequestFactory(
        patient=reyes,
        preferred_date_1=wanted,
        preferred_time_1=DayPart.AFTERNOON,
        preferred_date_2=next_weekday((wanted - timezone.localdate()).days + 1),
        preferred_time_2=DayPart.MORNING,
    )

    # The desk: both are "Alex"; the date of birth picks one.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    box = desk.get_by_test_id("nav-patient-search")
    box.fill("07/30/1999")
    box.press("Enter")
    rows = desk.get_by_test_id("search-row")
    rows.first.wait_for()
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "Alexandra Reyes (Alex)" in row
    assert "born 07/30/1999" in row
    assert reyes.patient_profile.chart_number in row
    # A name search shows both, told apart.
    box = desk.get_by_test_id("nav-patient-search")
    box.fill("Alex")
    box.press("Enter")
    desk.get_by_test_id("search-summary").wait_for()
    results = desk.get_by_test_id("search-results").inner_text()
    assert "Alex Morgan (Alex)" in results
    assert "Alexandra Reyes (Alex)" in results
    assert morgan.patient_profile.chart_number in results
    # Back to the one asked about, and open her chart.
    desk.goto(f"{base}/staff/patients/?q=1999-07-30")
    desk.get_by_role("link", name="Alexandra Reyes").click()
    heading = desk.get_by_test_id("chart-heading").inner_text()
    assert "Alexandra Reyes" in heading
    assert reyes.patient_profile.chart_number in heading
    demographics = desk.get_by_test_id("chart-demographics").inner_text()
    assert "Rosa Reyes" in demographics
    assert desk.get_by_test_id("chart-scheduling").is_visible()
    assert desk.get_by_test_id("chart-scores").count() == 0
    assert not AuditEvent.objects.exists()

    # From her chart, her waiting request; the picker's first suggestion fits it.
    desk.get_by_test_id("chart-scheduling").get_by_role("link", name="Confirm").click()
    desk.get_by_role("heading", name="Confirm a request").wait_for()
    first_day = desk.get_by_test_id("slot-day").first
    legend = first_day.locator("legend").inner_text()
    assert format_day(wanted) in legend
    assert "Fits the request" in legend
    suggestion = first_day.get_by_test_id("slot-option").first
    # Her first choice was the afternoon: noon is the first time offered.
    assert suggestion.inner_text().startswith("12:00 PM")
    suggestion.click()
    desk.get_by_role("button", name="Confirm this time").click()
    desk.get_by_text("The patient is notified").wait_for()
    visit = Appointment.objects.get(patient=reyes)
    assert timezone.localtime(visit.starts_at) == dt.datetime.combine(
        wanted, dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    asked.refresh_from_db()
    assert asked.status == AppointmentRequest.Status.CONFIRMED
    # The visit is on the day view, named so the two Alexes cannot be confused ...
    desk.goto(f"{base}/scheduling/desk/day/?location={folsom().pk}&day={wanted.isoformat()}")
    on_the_day = desk.get_by_test_id(f"day-appointment-{visit.pk}").inner_text()
    assert "Alexandra Reyes" in on_the_day
    # ... and on her chart, where the request no longer waits.
    desk.goto(f"{base}/staff/patients/?q=1999-07-30")
    desk.get_by_role("link", name="Alexandra Reyes").click()
    scheduling = desk.get_by_test_id("chart-scheduling").inner_text()
    assert "Scheduled" in scheduling
    assert "Confirmed" in scheduling
    assert "Waiting for the office" not in scheduling

    # The prescriber: the chart number finds exactly her; the clinical chart shows.
    doctor = new_page()
    log_in(doctor, base, "dr@example.test", TEST_PASSWORD)
    box = doctor.get_by_test_id("nav-patient-search")
    box.fill(reyes.patient_profile.chart_number)
    box.press("Enter")
    doctor.get_by_role("link", name="Alexandra Reyes").click()
    scores = doctor.get_by_test_id("chart-scores")
    scores.wait_for()
    assert "PHQ-9" in scores.inner_text()
    assert doctor.get_by_test_id("chart-intake").is_visible()
    searched = AuditEvent.objects.filter(actor=prescriber, action="patient.search.chart_number")
    assert searched.count() == 1
    assert searched.get().patient is None
    assert AuditEvent.objects.filter(
        actor=prescriber, action="patient_chart.intake", patient=reyes
    ).exists()
    assert not AuditEvent.objects.filter(patient=morgan).exists()
