"""My integration session is by video. The front desk pastes the clinic's meeting link
into the portal; sixteen minutes before the visit my appointments page has no Join
button yet, and from fifteen minutes before it does, and it takes me to the meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from scheduling.models import ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, FrontDeskFactory, PatientFactory
from tests.scheduling.factories import appointment_booked, next_local, service_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LINK = "https://video.example-clinic.test/room/8472-quiet-river"


def test_the_join_button_appears_15_minutes_before_a_video_visit_and_not_earlier(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url
    patient = PatientFactory(email="rio@example.test", profile__preferred_name="Rio")
    FrontDeskFactory(email="desk@example.test")
    visit = appointment_booked(
        patient=patient, service=service_of(ServiceKind.INTEGRATION), starts_at=next_local(1, 10)
    )

    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/scheduling/desk/telehealth/")
    desk.get_by_test_id(f"link-missing-{visit.pk}").wait_for()
    row = desk.get_by_test_id(f"telehealth-{visit.pk}")
    row.get_by_role("textbox").fill("http://not-secure.test/room")
    row.get_by_role("button", name="Save").click()
    desk.get_by_text("must start with https://").wait_for()
    row = desk.get_by_test_id(f"telehealth-{visit.pk}")
    assert row.get_by_role("textbox").input_value() == "http://not-secure.test/room"
    row.get_by_role("textbox").fill(LINK)
    row.get_by_role("button", name="Save").click()
    desk.get_by_text("Video link saved").wait_for()

    with time_machine.travel(visit.starts_at - dt.timedelta(minutes=16), tick=True):
        log_in(page, base, "rio@example.test", TEST_PASSWORD)
        page.goto(f"{base}/scheduling/appointments/")
        page.get_by_test_id(f"join-later-{visit.pk}").wait_for()
        assert page.get_by_test_id(f"join-{visit.pk}").count() == 0
        # Even the join address itself says when it opens, and keeps the link back.
        page.goto(f"{base}/scheduling/appointments/{visit.pk}/join/")
        assert "You can join from" in page.get_by_test_id("join-not-open").inner_text()

    with time_machine.travel(visit.starts_at - dt.timedelta(minutes=15), tick=True):
        page.goto(f"{base}/patient/")  # still signed in: a minute later on the clock
        page.get_by_test_id("home-join").wait_for()
        page.goto(f"{base}/scheduling/appointments/")
        join = page.get_by_test_id(f"join-{visit.pk}")
        href = join.get_attribute("href")
        response = page.request.get(f"{base}{href}", max_redirects=0)
        assert response.status == 302
        assert response.headers["location"] == LINK
