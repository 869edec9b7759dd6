"""Signing in and out through allauth's real pages: the session key changes at login and
the session dies at logout; the Django admin is reached only through the allauth login."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client

from portal.models import User
from tests.factories import TEST_PASSWORD


def log_in(client: Client, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_session_key_changes_at_login(client: Client, patient: User) -> None:
    client.get("/accounts/login/")
    # Plant a pre-login session (what a session-fixation attacker would hand the victim).
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session.session_key
    assert before

    response = log_in(client, patient.email)

    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(patient.pk)


def test_a_wrong_password_does_not_sign_in(client: Client, patient: User) -> None:
    response = log_in(client, patient.email, "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_session_dies_at_logout(client: Client, patient: User) -> None:
    log_in(client, patient.email)
    key = client.cookies["sessionid"].value
    assert client.get("/patient/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nobody in.
    replay = Client()
    replay.cookies["sessionid"] = key
    page = replay.get("/patient/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_a_clinician_lands_on_their_home_after_login(client: Client, clinician: User) -> None:
    # Staff with TOTP are asked for a code after the password; the password alone is not
    # enough to reach a page.
    response = log_in(client, clinician.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_the_admin_login_redirects_to_the_allauth_login(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=%2Fadmin%2F" in response["Location"]


def test_the_admin_login_form_cannot_be_posted_to(client: Client, clinic_admin: User) -> None:
    # Posting straight to the admin's own login form would skip MFA and rate limits.
    response = client.post(
        "/admin/login/", {"username": clinic_admin.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_admin_index_sends_anonymous_visitors_through_allauth(client: Client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_the_admin_refuses_a_signed_in_patient(client_for: Any, patient: User) -> None:
    assert client_for(patient).get("/admin/login/").status_code == 403
