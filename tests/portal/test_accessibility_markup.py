"""What every page carries for accessibility and trust, beyond what axe checks
(tests/e2e/test_accessibility.py): a refused form is announced, signed-in pages are not
indexed, a favicon exists, and account emails name the clinic and its real domain."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from portal.models import User
from portal.notifications.dispatch import notifications_dispatch_due


def test_a_refused_form_says_error_in_the_title_and_links_each_error_to_its_field(
    client: Client, patient: User
) -> None:
    client.force_login(patient)
    response = client.post("/integration/mood/", {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Today&#x27;s mood" in page or "<title>Error: Today's mood" in page
    assert 'id="error-summary" tabindex="-1"' in page
    assert 'href="#id_score_0">' in page
    assert 'id="id_score_0"' in page


def test_a_page_without_errors_has_no_error_summary(client: Client, patient: User) -> None:
    client.force_login(patient)
    page = client.get("/integration/mood/").content.decode()
    assert "<title>Error:" not in page
    assert "error-summary" not in page


def test_signed_in_pages_are_not_indexed_and_the_landing_page_is(
    client: Client, patient: User
) -> None:
    assert 'name="robots"' not in client.get("/").content.decode()
    client.force_login(patient)
    assert '<meta name="robots" content="noindex">' in client.get("/patient/").content.decode()


def test_the_favicon_is_served_not_a_404(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_every_script_is_deferred(client: Client, patient: User) -> None:
    client.force_login(patient)
    for url in ("/patient/", "/scheduling/requests/new/", "/integration/trends/"):
        page = client.get(url).content.decode()
        scripts = [line for line in page.splitlines() if "<script" in line]
        assert scripts, url
        assert all(" defer" in line for line in scripts), (url, scripts)


def test_account_emails_name_the_clinic_and_its_domain_not_the_request_host(
    client: Client, settings: Any, db: None
) -> None:
    settings.PORTAL_CLINIC_NAME = "Valley Ketamine Clinic"
    settings.PORTAL_BASE_URL = "https://portal.valley.example"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "Valley Ketamine Clinic: "
    client.post(
        "/accounts/signup/",
        {
            "email": "new.patient@example.test",
            "password1": "A-long-pass-9",
            "password2": "A-long-pass-9",
        },
        HTTP_HOST="127.0.0.1",
    )
    # Sign-up mail goes through the outbox (the same work for a known address): send it.
    notifications_dispatch_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Confirm your email for Valley Ketamine Clinic"
    assert "account at the Valley Ketamine Clinic portal" in message.body
    assert "/accounts/confirm-email/" in message.body
    # allauth's own greeting named the request's host ("Hello from 127.0.0.1:8101!").
    assert "from 127.0.0.1" not in message.body
    assert "using 127.0.0.1" not in message.body
