"""I write to my care team from my phone about how I feel after a visit. A nurse reads it
in the staff inbox and answers. The email I get says only that a message is waiting; I
open the portal and read the answer there."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from portal.notifications.dispatch import notifications_dispatch_due
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORRY = "Since my visit I feel dizzy when I stand up"
ANSWER = "Sit for a minute before you stand; if it lasts past tomorrow, call us"


def test_a_patient_writes_to_the_care_team_and_reads_the_reply_in_the_portal(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey
    base = live_server.url
    PatientFactory(email="sam@example.test", profile__preferred_name="Sam")
    ClinicianFactory(email="nurse@example.test", full_name="Nico Alvarez", clinician_kind="nurse")
    FrontDeskFactory(email="desk@example.test")

    # The patient, on a phone.
    log_in(page, base, "sam@example.test", TEST_PASSWORD)
    page.get_by_test_id("messages-panel").get_by_role("link", name="Open messages").click()
    page.get_by_test_id("no-threads").wait_for()
    page.get_by_role("link", name="Write to the clinic").click()
    assert page.get_by_test_id("not-for-emergencies").is_visible()
    page.get_by_label("My care or how I feel").check()
    page.get_by_label("Subject").fill("Dizzy")
    page.get_by_role("button", name="Send").click()
    # Refused without words: the subject and choice stay.
    page.get_by_text("This field is required.").first.wait_for()
    assert page.get_by_label("Subject").input_value() == "Dizzy"
    page.get_by_label("Your message").fill(WORRY)
    page.get_by_role("button", name="Send").click()
    page.get_by_test_id("thread-messages").get_by_text(WORRY).wait_for()

    # The nurse, at the desk computer: the home counts it, the inbox opens it.
    nurse = new_page()
    log_in(nurse, base, "nurse@example.test", TEST_PASSWORD)
    panel = nurse.get_by_test_id("staff-messages-panel")
    assert "1 unread" in panel.inner_text()
    panel.get_by_role("link", name="Open the inbox").click()
    nurse.get_by_role("link", name="Dizzy").click()
    nurse.get_by_text(WORRY).wait_for()
    nurse.get_by_role("textbox", name="Reply").fill(ANSWER)
    nurse.get_by_role("button", name="Send").click()
    nurse.get_by_text("Reply sent").wait_for()
    assert "handled by Nico Alvarez" in nurse.get_by_test_id("thread-patient").inner_text()

    # The front desk never sees a care conversation.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/messages/staff/")
    desk.get_by_test_id("inbox-empty").wait_for()

    # What left the building: "a message is waiting", a link, never the words.
    notifications_dispatch_due()
    to_patient = [m for m in mail.outbox if m.to == ["sam@example.test"]]
    assert len(to_patient) == 1
    for email in mail.outbox:
        everything = email.subject + email.body + "".join(str(a[0]) for a in email.alternatives)
        assert "dizzy" not in everything.lower()
        assert "stand" not in everything.lower()
    assert "/messages/" in to_patient[0].body

    # The patient reads the answer in the portal.
    page.goto(f"{base}/patient/")
    assert "1 new" in page.get_by_test_id("unread-messages").inner_text()
    page.get_by_test_id("messages-panel").get_by_role("link", name="Open messages").click()
    page.get_by_role("link", name="Dizzy").click()
    page.get_by_text(ANSWER).wait_for()
    page.goto(f"{base}/patient/")
    assert page.get_by_test_id("unread-messages").count() == 0
