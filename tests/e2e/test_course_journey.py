"""A course, from the clinician's decision to the patient's aftercare.

Dr Morgan starts an IV course for Dana, whose intake was approved. The front desk
books the whole series in one go. On the day, the desk checks Dana in and Nico, the
nurse, charts the first infusion from that visit and is
stopped at discharge until Dana's driver is confirmed. At home, on her phone, Dana
reads and acknowledges her aftercare and sees she has had infusion 1 of 6.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from intake.modalities import Modality
from scheduling.models import Appointment, RoomKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import RoomFactory, folsom, hours_every_day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_course_is_started_scheduled_charted_and_followed_by_the_patient(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey; this one is care.
    # The clock moves to the visit's day: nobody is signed out for being idle meanwhile.
    settings.PORTAL_STAFF_IDLE_MINUTES = settings.PORTAL_PATIENT_IDLE_MINUTES = 3 * 24 * 60
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    base = live_server.url
    dana = PatientFactory(email="dana@example.test")
    doctor = ClinicianFactory(email="dr.morgan@example.test", full_name="Dr Casey Morgan")
    ClinicianFactory(email="nico@example.test", full_name="Nico Alvarez", clinician_kind="nurse")
    FrontDeskFactory(email="desk@example.test")
    approve_patient(dana, Modality.IV, clinician=doctor)
    hours_every_day(doctor, folsom(), dt.time(7), dt.time(20))
    RoomFactory(location=folsom(), kind=RoomKind.INFUSION_CHAIR, name="Chair 1")

    # The clinician starts the course from the list of approved patients.
    doc = new_page()
    log_in(doc, base, "dr.morgan@example.test", TEST_PASSWORD)
    doc.goto(f"{base}/treatments/courses/")
    doc.get_by_test_id("ready-to-start").get_by_role("link", name="Start a course").click()
    doc.locator("#id_modality").select_option("iv")
    doc.locator("#id_start_date").fill(timezone.localdate().isoformat())
    doc.get_by_role("button", name="Start the course").click()
    doc.get_by_text("Course started; its sessions are planned.").wait_for()
    assert doc.get_by_test_id("planned-sessions").locator("tbody tr").count() == 6

    # The front desk schedules the whole series in one step.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/front-desk/")
    desk.get_by_test_id("courses-needing-scheduling").get_by_role(
        "link", name="Schedule the series"
    ).first.click()
    desk.locator("#id_location").select_option(label="Folsom")
    desk.get_by_role("button", name="Schedule the series").click()
    desk.get_by_test_id("series-outcome").get_by_text("6 sessions booked").wait_for()
    assert desk.get_by_test_id("booked").count() == 6

    # On the day of the first infusion the desk checks Dana in (the chart opens only
    # from today's checked-in visit).
    first_visit = Appointment.objects.filter(patient=dana).order_by("starts_at").first()
    day = timezone.localtime(first_visit.starts_at).date()
    with time_machine.travel(first_visit.starts_at - dt.timedelta(minutes=15), tick=True):
        desk.goto(f"{base}/scheduling/desk/day/?location={first_visit.location_id}&day={day}")
        desk.get_by_role("button", name="Check in").first.click()
        desk.get_by_text("Marked checked in").wait_for()
        _chart_and_follow(base, page, new_page)


def _chart_and_follow(base: str, page: Any, new_page: Any) -> None:
    # The nurse charts the first infusion.
    chart = new_page()
    log_in(chart, base, "nico@example.test", TEST_PASSWORD)
    chart.goto(f"{base}/treatments/courses/")
    chart.get_by_role("link", name="Open").first.click()
    chart.get_by_role("button", name="Start chart").first.click()
    chart.locator("#id_pre_systolic").fill("128")
    chart.locator("#id_pre_diastolic").fill("82")
    chart.locator("#id_pre_heart_rate").fill("74")
    chart.locator("#id_pre_spo2").fill("98")
    chart.locator("#id_fasted_0").check()
    chart.locator("#id_no_alcohol_or_substances_0").check()
    chart.get_by_role("button", name="Save pre-dose").click()
    chart.get_by_text("Saved.").wait_for()
    chart.locator("#id_weight_kg").fill("70")
    chart.locator("#id_dose_mg_per_kg").fill("0.5")
    chart.get_by_role("button", name="Dose given now").click()
    chart.get_by_text("Saved.").wait_for()
    chart.locator("#id_dis_systolic").fill("130")
    chart.locator("#id_dis_diastolic").fill("84")
    chart.locator("#id_dis_heart_rate").fill("76")
    chart.locator("#id_dis_spo2").fill("98")
    chart.locator("#id_escort_name").fill("Sam Rivera")
    chart.locator("#id_escort_phone").fill("(916) 555-0189")
    chart.locator("#id_aftercare_reviewed").check()
    chart.get_by_role("button", name="Save discharge checks").click()
    chart.get_by_text("Saved.").wait_for()

    # Blocked: the driver home is not confirmed yet.
    chart.get_by_role("button", name="Mark discharged").click()
    chart.get_by_text("Not discharged yet").wait_for()
    assert "is not confirmed" in chart.get_by_test_id("discharge-gaps").inner_text()
    assert chart.get_by_test_id("session-status").inner_text() == "In progress"

    chart.locator("#id_escort_confirmed").check()
    chart.get_by_role("button", name="Save discharge checks").click()
    chart.get_by_text("Everything is in place.").wait_for()
    chart.get_by_role("button", name="Mark discharged").click()
    chart.get_by_text("Patient discharged.").wait_for()
    assert chart.get_by_test_id("session-status").inner_text() == "Discharged"

    # At home, on her phone, the patient acknowledges her aftercare.
    log_in(page, base, "dana@example.test", TEST_PASSWORD)
    page.get_by_test_id("aftercare-panel").get_by_role("link", name="Read and acknowledge").click()
    boxes = page.locator("input[name=items]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.get_by_role("button", name="I have read these").click()
    page.get_by_test_id("aftercare-done").wait_for()

    page.get_by_role("link", name="Back to your treatment").click()
    progress = page.get_by_test_id("course-progress").inner_text()
    assert re.search(r"Infusion 1 of 6", progress), progress
    assert page.get_by_test_id("aftercare-due").count() == 0
    assert page.get_by_test_id("next-session").is_visible()
