"""A freed chair goes to the waitlist. Ana puts herself on the waitlist for an
evaluation at Folsom; the desk puts Ben on it for her. The desk cancels another
patient's visit: Ana and Ben both see the freed time offered in their portal and have a
message about it. Ana claims it and finds it among her appointments; Ben, a moment
later, presses Claim and is told plainly that the time has gone. One booking, not two.

Then a moved visit: a patient asks to move hers, the desk confirms a later day, and the
time she leaves is offered to Ana (the clinic offers one patient at a time). Ana lets
the offer pass; with the clock moved past it, the beat task offers the time to Ben, who
claims it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import Appointment, AppointmentRequest, SchedulingSettings
from scheduling.tasks import waitlist_offers_expire
from scheduling.waitlist_models import FreedSlot, WaitlistOffer
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, FrontDeskFactory, PatientFactory
from tests.scheduling.waitlist_setup import a_chair, waiting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _join(page: Any, service_name: str, button: str) -> None:
    form = page.get_by_test_id("waitlist-form")
    form.get_by_label("Visit").select_option(label=service_name)
    form.get_by_label("Folsom").check()
    form.get_by_label("Morning (8 am - 12 pm)").check()
    form.get_by_role("button", name=button).click()


def test_a_cancellation_offers_the_chair_to_two_waiting_patients_and_one_gets_it(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url
    chair = a_chair()  # someone's evaluation at Folsom, 10 AM the day after tomorrow
    ana = PatientFactory(email="ana@example.test", profile__preferred_name="Ana")
    ben = PatientFactory(email="ben@example.test", profile__preferred_name="Ben")
    FrontDeskFactory(email="desk@example.test")

    # Ana joins from her appointments page.
    log_in(page, base, "ana@example.test", TEST_PASSWORD)
    page.goto(f"{base}/scheduling/appointments/")
    page.get_by_test_id("waitlist-link").click()
    _join(page, chair.service.name, "Join the waitlist")
    page.get_by_text("You are on the waitlist.").wait_for()
    assert (
        chair.service.name
        in page.get_by_test_id(f"entry-{ana.waitlist_entries.get().pk}").inner_text()
    )

    # The desk adds Ben, then cancels the other patient's visit.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/scheduling/desk/waitlist/patients/{ben.pk}/")
    _join(desk, chair.service.name, "Add to the waitlist")
    desk.get_by_text("Added to the waitlist.").wait_for()
    desk.goto(f"{base}/scheduling/desk/appointments/{chair.visit.pk}/cancel/")
    desk.get_by_label("Reason").select_option(label="Patient asked by phone")
    desk.get_by_role("button", name="Cancel this visit").click()
    desk.get_by_text("The patient is notified").wait_for()
    desk.goto(f"{base}/scheduling/desk/waitlist/")
    slot = FreedSlot.objects.get(freed_from=chair.visit)
    offers_seen = desk.get_by_test_id(f"slot-{slot.pk}").inner_text()
    assert offers_seen.count("Offered") == 2

    # Both have a message with the time and place, and see the offer in the portal.
    offered = Notification.objects.filter(kind=Kind.WAITLIST_OFFER)
    assert set(offered.values_list("recipient_id", flat=True)) == {ana.pk, ben.pk}
    ben_page = new_page()
    log_in(ben_page, base, "ben@example.test", TEST_PASSWORD)
    ben_page.goto(f"{base}/scheduling/waitlist/")
    ben_offer = ben_page.get_by_test_id(f"offer-{slot.offers.get(patient=ben).pk}")
    ben_offer.get_by_role("button", name="Claim this time").wait_for()

    page.goto(f"{base}/scheduling/waitlist/")
    ana_offer = page.get_by_test_id(f"offer-{slot.offers.get(patient=ana).pk}")
    assert "Folsom" in ana_offer.inner_text()
    ana_offer.get_by_role("button", name="Claim this time").click()
    page.get_by_text("It is yours: the visit is booked.").wait_for()
    assert "Folsom" in page.get_by_text("Upcoming").locator("..").inner_text()

    # Ben's page still shows the button; pressing it tells him the time has gone.
    ben_offer.get_by_role("button", name="Claim this time").click()
    ben_page.get_by_test_id("offer-gone").wait_for()
    assert "this time has gone" in ben_page.get_by_test_id("offer-gone").inner_text()
    ben_page.get_by_text("You are still on the waitlist").wait_for()

    booked = Appointment.objects.filter(starts_at=chair.visit.starts_at, status="scheduled")
    assert list(booked.values_list("patient_id", flat=True)) == [ana.pk]
    gone = Notification.objects.filter(kind=Kind.WAITLIST_GONE)
    assert list(gone.values_list("recipient_id", flat=True)) == [ben.pk]


def test_a_moved_visit_leaves_its_time_to_the_next_waiting_patient_when_one_lets_it_pass(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url
    config = SchedulingSettings.load()
    config.waitlist_max_offers = 1  # one patient at a time, first joined first
    config.save()
    chair = a_chair()  # Maria's evaluation at Folsom, 10 AM the day after tomorrow
    maria = chair.visit.patient
    old_start = chair.visit.starts_at
    ana, _ = waiting(chair, patient=PatientFactory(email="ana@example.test"))
    ben, _ = waiting(chair, patient=PatientFactory(email="ben@example.test"))
    FrontDeskFactory(email="desk@example.test")

    # Maria asks to move her visit to a morning four days out.
    log_in(page, base, maria.email, TEST_PASSWORD)
    page.goto(f"{base}/scheduling/appointments/")
    page.get_by_role("link", name="Ask to reschedule").click()
    later = timezone.localdate() + dt.timedelta(days=4)
    page.get_by_label("First choice: day").fill(later.isoformat())
    page.get_by_label("First choice: time of day").select_option("morning")
    page.get_by_label("Second choice: day").fill((later + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Second choice: time of day").select_option("morning")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Your request to move this appointment is sent to the office.").wait_for()

    # The desk confirms the picker's first suggestion, which fits what she asked.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    move = AppointmentRequest.objects.get(reschedule_of=chair.visit)
    desk.goto(f"{base}/scheduling/desk/requests/{move.pk}/")
    desk.get_by_test_id("slot-day").first.get_by_test_id("slot-option").first.click()
    desk.get_by_role("button", name="Confirm this time").click()
    desk.get_by_text("The patient is notified").wait_for()
    chair.visit.refresh_from_db()
    assert timezone.localtime(chair.visit.starts_at).date() == later

    # The time she left is offered to Ana, who joined first, and to nobody else yet.
    slot = FreedSlot.objects.get(freed_from=chair.visit)
    assert slot.starts_at == old_start
    offer = slot.offers.get()
    assert offer.patient == ana
    ana_page = new_page()
    log_in(ana_page, base, "ana@example.test", TEST_PASSWORD)
    ana_page.goto(f"{base}/scheduling/waitlist/")
    ana_page.get_by_test_id(f"offer-{offer.pk}").get_by_role(
        "button", name="Claim this time"
    ).wait_for()

    # Ana lets it pass. Past the offer's end, the minute's beat task offers it to Ben.
    # (Two hours on, everyone signs in again: idle sessions end.)
    with time_machine.travel(offer.expires_at + dt.timedelta(minutes=1)):
        assert waitlist_offers_expire.run() == 1
        ben_offer = slot.offers.get(patient=ben)
        assert Notification.objects.filter(kind=Kind.WAITLIST_OFFER, recipient=ben).exists()
        log_in(desk, base, "desk@example.test", TEST_PASSWORD)
        desk.goto(f"{base}/scheduling/desk/waitlist/")
        on_offer = desk.get_by_test_id(f"slot-{slot.pk}").inner_text()
        assert "Expired" in on_offer
        assert "Offered" in on_offer

        ben_page = new_page()
        log_in(ben_page, base, "ben@example.test", TEST_PASSWORD)
        ben_page.goto(f"{base}/scheduling/waitlist/")
        card = ben_page.get_by_test_id(f"offer-{ben_offer.pk}")
        assert "Folsom" in card.inner_text()
        card.get_by_role("button", name="Claim this time").click()
        ben_page.get_by_text("It is yours: the visit is booked.").wait_for()

        # Ana's offer shows as closed; the time is no longer on offer at the desk.
        log_in(ana_page, base, "ana@example.test", TEST_PASSWORD)
        ana_page.goto(f"{base}/scheduling/waitlist/")
        closed = ana_page.get_by_test_id(f"offer-{offer.pk}").inner_text()
        assert "This offer has closed" in closed
        desk.goto(f"{base}/scheduling/desk/waitlist/")
        desk.get_by_text("No freed time is on offer.").wait_for()

    booked = Appointment.objects.get(starts_at=old_start, status="scheduled")
    assert booked.patient == ben
    statuses = dict(slot.offers.values_list("patient_id", "status"))
    assert statuses == {ana.pk: WaitlistOffer.Status.EXPIRED, ben.pk: WaitlistOffer.Status.CLAIMED}
