"""A whole Spravato dosing day, with the clock moved by time-machine.

Robin arrives for her first Spravato treatment at Folsom. The desk checks her in; Dr
Okafor opens the chart from that visit, records the pre-dose vitals and presses "First
device now". At forty minutes the REMS blood pressure is taken. At 1 h 59 min the gate
still refuses, showing how long is left; at 2 h it lets her go. The desk sees the visit
completed, Robin sees treatment 1 done on her phone, and the integration window counts
from the moment she was really discharged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from intake.modalities import Modality
from integration.selectors import window_of
from scheduling.models import Appointment, ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.scheduling.factories import appointment_booked, service_of
from tests.treatments.factories import course_started
from treatments.models import DosingSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACIFIC = ZoneInfo("America/Los_Angeles")
ARRIVAL = dt.datetime(2026, 3, 2, 8, 40, tzinfo=PACIFIC)  # a Monday
VISIT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PACIFIC)


def test_a_spravato_dosing_day_from_check_in_to_the_integration_window(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey; this one is care.
    # The clock moves hours in minutes: nobody is signed out for being idle meanwhile.
    settings.PORTAL_STAFF_IDLE_MINUTES = settings.PORTAL_PATIENT_IDLE_MINUTES = 24 * 60
    settings.SESSION_COOKIE_AGE = 24 * 3600
    base = live_server.url

    with time_machine.travel(ARRIVAL - dt.timedelta(days=1), tick=False):
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

    with time_machine.travel(ARRIVAL, tick=True) as clock:
        # Before check-in, the chart does not open: the board says why.
        nurse = new_page()
        log_in(nurse, base, "dr.okafor@example.test", TEST_PASSWORD)
        nurse.goto(f"{base}/treatments/sessions/today/")
        assert "not checked in yet" in nurse.get_by_test_id("chart-refusal").inner_text()
        assert nurse.get_by_role("button", name="Start chart").count() == 0

        # The desk checks Robin in from the day view.
        desk = new_page()
        log_in(desk, base, "desk@example.test", TEST_PASSWORD)
        desk.goto(f"{base}/scheduling/desk/day/?location={visit.location_id}&day=2026-03-02")
        desk.get_by_role("button", name="Check in").first.click()
        desk.get_by_text("Marked checked in").wait_for()

        # The prescriber opens the chart from the visit and charts the dose.
        nurse.goto(f"{base}/treatments/sessions/today/")
        nurse.get_by_role("button", name="Start chart").click()
        nurse.get_by_test_id("session-status").wait_for()
        nurse.locator("#id_pre_systolic").fill("128")
        nurse.locator("#id_pre_diastolic").fill("82")
        nurse.locator("#id_pre_heart_rate").fill("74")
        nurse.locator("#id_pre_spo2").fill("98")
        nurse.locator("#id_fasted_0").check()
        nurse.locator("#id_no_alcohol_or_substances_0").check()
        nurse.get_by_role("button", name="Save pre-dose").click()
        nurse.get_by_text("Saved.").wait_for()
        nurse.locator("#id_spravato_dose_mg").select_option("56")
        nurse.locator("#id_device_count").fill("2")
        nurse.locator("#id_lot_number").fill("LOT-4411")
        nurse.get_by_role("button", name="First device now").click()
        nurse.get_by_test_id("dose-time").wait_for()
        session = DosingSession.objects.get(patient=robin)
        stamp = session.first_device_at
        assert abs(stamp - ARRIVAL) < dt.timedelta(minutes=5)  # the server's clock

        # The 40-minute REMS reading, in the clinic's window.
        clock.move_to(stamp + dt.timedelta(minutes=41))
        nurse.reload()
        nurse.locator("#id_bp40_systolic").fill("142")
        nurse.locator("#id_bp40_diastolic").fill("90")
        nurse.get_by_role("button", name="Record the reading now").click()
        nurse.get_by_test_id("bp40-recorded").wait_for()
        assert "142/90" in nurse.get_by_test_id("bp40-recorded").inner_text()

        nurse.locator("#id_dis_systolic").fill("130")
        nurse.locator("#id_dis_diastolic").fill("84")
        nurse.locator("#id_dis_heart_rate").fill("76")
        nurse.locator("#id_dis_spo2").fill("98")
        nurse.locator("#id_escort_name").fill("Sam Rivera")
        nurse.locator("#id_escort_phone").fill("(916) 555-0189")
        nurse.locator("#id_escort_confirmed").check()
        nurse.locator("#id_aftercare_reviewed").check()
        nurse.get_by_role("button", name="Save discharge checks").click()
        nurse.get_by_text("Saved.").wait_for()

        # At 1 h 59 min the gate still refuses, and the page counts down.
        clock.move_to(stamp + dt.timedelta(hours=1, minutes=59))
        nurse.clock.set_system_time(stamp + dt.timedelta(hours=1, minutes=59))
        nurse.reload()
        countdown = nurse.get_by_test_id("observation-clock")
        assert "to go" in countdown.inner_text()
        nurse.get_by_role("button", name="Mark discharged").click()
        nurse.get_by_text("Not discharged yet").wait_for()
        assert "1 minutes to go" in nurse.get_by_test_id("discharge-gaps").inner_text()
        assert nurse.get_by_test_id("session-status").inner_text() == "In progress"

        # At 2 h she may go.
        clock.move_to(stamp + dt.timedelta(hours=2))
        nurse.get_by_role("button", name="Mark discharged").click()
        nurse.get_by_text("Patient discharged.").wait_for()
        assert nurse.get_by_test_id("session-status").inner_text() == "Discharged"
        session.refresh_from_db()
        assert session.discharged_at - stamp >= dt.timedelta(hours=2)
        assert session.discharged_at - stamp < dt.timedelta(hours=2, minutes=2)

        # The desk sees the visit completed.
        desk.reload()
        assert "Completed" in desk.content()
        assert Appointment.objects.get(pk=visit.pk).status == Appointment.Status.COMPLETED

        # On her phone, Robin sees treatment 1 done.
        log_in(page, base, "robin@example.test", TEST_PASSWORD)
        page.goto(f"{base}/treatments/my/")
        assert "Treatment 1 of 8" in page.get_by_test_id("course-progress").inner_text()
        assert page.get_by_text("Done", exact=True).count() == 1

    # The integration window counts from the real discharge, not the visit's booked time.
    window = window_of(session)
    assert window.opens_at == session.discharged_at + dt.timedelta(hours=24)
