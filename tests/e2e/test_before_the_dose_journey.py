"""Before the dose: Robin gets ready for her Spravato visit, and Sam takes her home.

Robin's first Spravato visit is booked for Tuesday morning at Folsom. On Monday evening
her home page says "Get ready for tomorrow"; she reads how (no food for 2 hours, the
nasal-spray timing, an adult to take her home), names Sam as her escort and agrees the
clinic may text him, and answers the evening check: ride confirmed, no new medicines.
On Tuesday the desk's day view shows her ready with her escort confirmed. The nurse
charts the dose with Sam's name and number already on the chart; when the discharge
gate clears, "Tell the escort" queues one text that says when and where, and nothing
about her treatment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from intake.modalities import Modality
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from scheduling.models import ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.notifications.test_privacy import FORBIDDEN
from tests.scheduling.factories import appointment_booked, service_of
from tests.treatments.factories import course_started
from treatments.models import DosingSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACIFIC = ZoneInfo("America/Los_Angeles")
MONDAY_EVENING = dt.datetime(2026, 3, 2, 18, 30, tzinfo=PACIFIC)
ARRIVAL = dt.datetime(2026, 3, 3, 8, 40, tzinfo=PACIFIC)
VISIT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=PACIFIC)


def test_robin_gets_ready_names_her_escort_and_sam_is_texted_when_she_may_go(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey; this one is care.
    settings.PORTAL_STAFF_IDLE_MINUTES = settings.PORTAL_PATIENT_IDLE_MINUTES = 24 * 60
    settings.SESSION_COOKIE_AGE = 24 * 3600
    base = live_server.url

    with time_machine.travel(MONDAY_EVENING - dt.timedelta(days=1), tick=False):
        robin = PatientFactory(email="robin@example.test")
        doctor = ClinicianFactory(email="dr.okafor@example.test", full_name="Dr Ada Okafor")
        FrontDeskFactory(email="desk@example.test")
        course = course_started(robin, Modality.SPRAVATO, clinician=doctor)
        visit = appointment_booked(
            patient=robin, service=service_of(ServiceKind.SPRAVATO), starts_at=VISIT
        )
        first = course.planned.order_by("sequence").first()
        first.appointment = visit
        first.save()

    with time_machine.travel(MONDAY_EVENING, tick=True):
        # Monday evening: Robin reads how to get ready.
        log_in(page, base, "robin@example.test", TEST_PASSWORD)
        page.goto(f"{base}/patient/")
        panel = page.get_by_test_id("get-ready-panel")
        assert "Get ready for tomorrow" in panel.inner_text()
        panel.get_by_role("link", name="How to get ready").click()
        preparation = page.get_by_test_id("preparation").inner_text()
        assert "Do not eat for 2 hours" in preparation
        assert "at least 1 hour before" in preparation
        assert "adult to take you home" in preparation

        # She names Sam, and agrees the clinic may text him about pickup.
        page.get_by_role("link", name="Name your escort").click()
        page.locator("#id_name").fill("Sam Rivera")
        page.locator("#id_phone").fill("(916) 555-0189")
        page.locator("#id_relationship").fill("partner")
        page.locator("#id_consent_to_text").check()
        page.get_by_role("button", name="Save").click()
        page.get_by_text("your escort is on record").wait_for()
        assert "Sam Rivera" in page.get_by_test_id("escort").inner_text()

        # The evening check: ride confirmed, fasting understood, no new medicines.
        page.get_by_role("link", name="Answer now").click()
        for name, answer in (
            ("ride_confirmed", 0),
            ("fasting_understood", 0),
            ("new_benzodiazepine", 1),
            ("new_opioid", 1),
            ("new_stimulant", 1),
            ("feeling_unwell", 1),
            ("nasal_spray_timing_understood", 0),
        ):
            page.locator(f"#id_{name}_{answer}").check()
        page.get_by_role("button", name="Send").click()
        page.get_by_text("your answers are with the clinic").first.wait_for()

    with time_machine.travel(ARRIVAL, tick=True) as clock:
        # Tuesday: the desk sees her ready, with her escort confirmed, and checks her in.
        desk = new_page()
        log_in(desk, base, "desk@example.test", TEST_PASSWORD)
        desk.goto(f"{base}/scheduling/desk/day/?location={visit.location_id}&day=2026-03-03")
        assert desk.get_by_test_id(f"readiness-{visit.pk}").inner_text() == "Evening check: ready"
        assert desk.get_by_test_id(f"escort-{visit.pk}").inner_text() == "Escort: confirmed"
        desk.get_by_role("button", name="Check in").first.click()
        desk.get_by_text("Marked checked in").wait_for()

        # The nurse charts; Sam's name and number are already on the chart.
        nurse = new_page()
        log_in(nurse, base, "dr.okafor@example.test", TEST_PASSWORD)
        nurse.goto(f"{base}/treatments/sessions/today/")
        nurse.get_by_role("button", name="Start chart").click()
        nurse.get_by_test_id("session-status").wait_for()
        assert nurse.get_by_test_id("readiness-status").inner_text() == "ready"
        assert nurse.locator("#id_escort_name").input_value() == "Sam Rivera"
        assert nurse.locator("#id_escort_phone").input_value() == "(916) 555-0189"
        nurse.locator("#id_pre_systolic").fill("128")
        nurse.locator("#id_pre_diastolic").fill("82")
        nurse.locator("#id_pre_heart_rate").fill("74")
        nurse.locator("#id_pre_spo2").fill("98")
        nurse.locator("#id_no_alcohol_or_substances_0").check()
        nurse.get_by_role("button", name="Save pre-dose").click()
        nurse.get_by_text("Saved.").wait_for()
        nurse.locator("#id_spravato_dose_mg").select_option("56")
        nurse.locator("#id_device_count").fill("2")
        nurse.locator("#id_lot_number").fill("LOT-4411")
        nurse.get_by_role("button", name="First device now").click()
        nurse.get_by_test_id("dose-time").wait_for()
        stamp = DosingSession.objects.get(patient=robin).first_device_at

        clock.move_to(stamp + dt.timedelta(minutes=41))
        nurse.reload()
        nurse.locator("#id_bp40_systolic").fill("138")
        nurse.locator("#id_bp40_diastolic").fill("86")
        nurse.get_by_role("button", name="Record the reading now").click()
        nurse.get_by_test_id("bp40-recorded").wait_for()
        nurse.locator("#id_dis_systolic").fill("130")
        nurse.locator("#id_dis_diastolic").fill("84")
        nurse.locator("#id_dis_heart_rate").fill("76")
        nurse.locator("#id_dis_spo2").fill("98")
        nurse.locator("#id_escort_confirmed").check()
        nurse.locator("#id_aftercare_reviewed").check()
        nurse.get_by_role("button", name="Save discharge checks").click()
        nurse.get_by_text("Saved.").wait_for()
        # Before the observation time is over, there is no button to tell Sam.
        assert nurse.get_by_role("button", name="Tell the escort").count() == 0

        # At 2 h the gate is clear: the nurse tells the escort.
        clock.move_to(stamp + dt.timedelta(hours=2))
        nurse.reload()
        assert "Everything is in place" in nurse.get_by_test_id("discharge-gate").inner_text()
        nurse.get_by_role("button", name="Tell the escort").click()
        nurse.get_by_text("The escort is being texted").wait_for()
        nurse.get_by_test_id("escort-told").wait_for()

    [text] = Notification.objects.filter(kind=Kind.ESCORT_PICKUP)
    assert text.to_phone == "(916) 555-0189"
    message = render_message(text.kind, text.context)
    assert "will be ready for pickup at" in message.sms
    for part in (message.subject, message.text, message.html, message.sms):
        assert not FORBIDDEN.findall(part), part
