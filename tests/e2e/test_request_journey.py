"""I ask for an IV infusion on my phone and name Medi-Cal as my payer: the clinic tells
me kindly that it does not take Medi-Cal, and everything else I typed is still there. I
switch to self-pay and send it. The front desk sees my request, is offered only free
chairs, and confirms one. I see the confirmed time and save it to my calendar, which
names only the place and the time."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from intake.modalities import Modality
from portal.formats import format_day, format_time, format_when
from scheduling.models import Appointment, PayerRule, RoomKind, ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    AppointmentFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_medi_cal_is_refused_kindly_then_self_pay_is_confirmed_on_a_free_chair(
    live_server: Any, page: Any, new_page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey; this one is booking.
    base = live_server.url
    me = PatientFactory(email="jo@example.test", profile__preferred_name="Jo")
    approve_patient(me, Modality.IV)
    FrontDeskFactory(email="desk@example.test", full_name="Frankie Desk")
    nurse = ClinicianFactory(email="nurse@example.test", full_name="Nico Alvarez")
    hours_every_day(nurse, folsom(), dt.time(8), dt.time(17))
    RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 2")
    infusion = service_of(ServiceKind.IV_INFUSION)
    # Someone else already has Chair 1 on the morning I want, with another nurse.
    other_nurse = ClinicianFactory()
    hours_every_day(other_nurse, folsom())
    chair_1_busy = next_local(3, 9)
    AppointmentFactory(
        service=infusion,
        clinician=other_nurse,
        room=folsom().rooms.get(name="Chair 1"),
        starts_at=chair_1_busy,
    )
    first_choice = timezone.localdate() + dt.timedelta(days=3)
    second_choice = timezone.localdate() + dt.timedelta(days=4)

    # On my phone, from my home page, I ask for an appointment.
    log_in(page, base, "jo@example.test", TEST_PASSWORD)
    page.get_by_role("link", name="Request an appointment").first.click()
    page.get_by_test_id("request-notice").get_by_text("not for emergencies", exact=False).wait_for()
    page.locator("#id_service").select_option(label="IV ketamine infusion")
    page.locator("#id_preferred_location").select_option(label="Folsom")
    page.locator("#id_date_1").fill(first_choice.isoformat())
    page.locator("#id_time_1").select_option("morning")
    page.locator("#id_date_2").fill(second_choice.isoformat())
    page.locator("#id_time_2").select_option("any")
    page.get_by_label("Text message").check()
    page.get_by_label("Medi-Cal", exact=True).check()
    page.locator("#id_note").fill("I can't drive myself; my sister brings me.")
    page.get_by_role("button", name="Send request").click()

    # The clinic tells me why, next to the payer question, and keeps what I typed.
    message = PayerRule.objects.get(name="Medi-Cal").message
    page.get_by_text("does not currently accept Medi-Cal", exact=False).first.wait_for()
    assert page.get_by_test_id("payer-field").get_by_text(message).is_visible()
    assert page.locator("#id_note").input_value() == "I can't drive myself; my sister brings me."
    assert page.locator("#id_date_1").input_value() == first_choice.isoformat()
    assert page.locator("#id_time_2").input_value() == "any"
    assert page.get_by_label("Text message").is_checked()
    assert page.locator("#id_service option:checked").inner_text() == "IV ketamine infusion"

    # I switch to self-pay and send it.
    page.get_by_label("Self-pay", exact=True).check()
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Your request is sent").wait_for()
    page.get_by_text("Waiting for the office").wait_for()

    # At the front desk, my request waits in the queue; only free chairs are offered.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/scheduling/desk/requests/")
    assert desk.get_by_test_id("pending-count").inner_text() == "1"
    desk.get_by_role("link", name="Open").click()
    desk.get_by_role("heading", name="Confirm a request").wait_for()
    # The picker shows my first choice first, marked; Chair 1 is never offered when busy.
    first_day = desk.get_by_test_id("slot-day").first
    assert first_day.get_attribute("data-fits") == "true"
    assert format_day(first_choice) in first_day.locator("legend").inner_text()
    assert "Fits the request" in first_day.locator("legend").inner_text()
    options = first_day.get_by_test_id("slot-option").all_inner_texts()
    assert options, "no free slots offered"
    busy_label = format_time(chair_1_busy)
    assert not any(o.startswith(busy_label) and o.endswith("Chair 1") for o in options)
    # The desk narrows to Chair 2; the filter keeps its choice, and 9:00 there is picked.
    desk.get_by_label("Room or chair").select_option(label="Chair 2")
    desk.get_by_role("button", name="Look").click()
    desk.get_by_test_id("slot-day").first.wait_for()
    assert desk.locator("#id_room option:checked").inner_text() == "Chair 2"
    first_day = desk.get_by_test_id("slot-day").first
    options = first_day.get_by_test_id("slot-option").all_inner_texts()
    assert all(o.endswith("Chair 2") for o in options)
    first_day.get_by_test_id("slot-option").filter(
        has_text=format_time(next_local(3, 9))
    ).first.click()
    desk.get_by_role("button", name="Confirm this time").click()
    desk.get_by_text("The patient is notified").wait_for()

    appointment = Appointment.objects.get(patient=me)
    assert appointment.room.name == "Chair 2"
    local = timezone.localtime(appointment.starts_at)
    assert local == next_local(3, 9)

    # Back on my phone, I see the confirmed time and save it to my calendar.
    page.goto(f"{base}/scheduling/appointments/")
    card = page.get_by_test_id(f"appointment-{appointment.pk}")
    card.get_by_text(format_when(local), exact=False).wait_for()
    assert "Scheduled" in card.inner_text()
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "visit.ics"
    download_info.value.save_as(path)
    ics = path.read_text()
    assert "BEGIN:VEVENT" in ics
    assert "Folsom" in ics
    assert local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S") in ics or (
        local.strftime("%Y%m%dT%H%M%S") in ics
    )
    for secret in ("ketamine", "infusion", "spravato", "esketamine", "consultation"):
        assert secret not in ics.lower(), ics
    assert not re.search(r"\bIV\b", ics), ics
