"""A new patient signs up, verifies their email, and lands on their home page; a
front-desk user without two-factor authentication is sent to set it up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from portal.notifications.dispatch import notifications_dispatch_due
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, FrontDeskFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_patient_signs_up_verifies_and_sees_their_home(live_server: Any, page: Any) -> None:
    base = live_server.url
    page.goto(base)
    page.get_by_role("link", name="Create an account").click()
    page.locator("#id_email").fill("new.patient@example.test")
    page.locator("#id_password1").fill("a-long-enough-passphrase")
    page.locator("#id_password2").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Verify Your Email Address").first.wait_for()

    # The confirmation goes through the outbox: send what is due, as a worker would.
    notifications_dispatch_due()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    log_in(page, base, "new.patient@example.test", "a-long-enough-passphrase")
    page.get_by_text("Next step: complete your profile").wait_for()
    assert page.url.endswith("/patient/")
    assert page.get_by_test_id("crisis-footer").is_visible()


def test_a_front_desk_user_without_mfa_is_sent_to_set_it_up(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    FrontDeskFactory(email="desk@example.test")
    log_in(page, live_server.url, "desk@example.test", TEST_PASSWORD)
    page.get_by_text("Staff accounts need two-factor authentication").wait_for()
    # allauth asks for the password once more before an authenticator is added.
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Authenticator secret").wait_for()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    # Any staff page sends them back until they have enrolled.
    page.goto(f"{live_server.url}/front-desk/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
