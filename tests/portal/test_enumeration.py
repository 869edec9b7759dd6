"""Sign-up and password reset never reveal whether an email address has an account."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from portal.models import Role, User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from tests.factories import PatientFactory

# Tokens, keys and CSRF values differ per response; nothing else may.
VOLATILE = re.compile(r'(csrfmiddlewaretoken" value="|nonce=")[^"]*')


def normalised(html: bytes, email: str) -> str:
    # The page repeats the address that was typed; that is not a leak.
    return VOLATILE.sub(r"\1", html.decode()).replace(email, "EMAIL")


def someone() -> User:
    # A fresh address per test: allauth's per-address rate limits live in the real Redis
    # cache and outlast a test.
    return PatientFactory()


def sign_up(email: str) -> Any:
    client = Client()
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        follow=True,
    )


def test_signing_up_with_a_taken_email_looks_the_same_as_a_new_one(db: None) -> None:
    patient = someone()
    taken = sign_up(patient.email)
    fresh = sign_up("brand.new@example.test")

    assert taken.status_code == fresh.status_code == 200
    assert [url for url, _ in taken.redirect_chain] == [url for url, _ in fresh.redirect_chain]
    assert normalised(taken.content, patient.email) == normalised(
        fresh.content, "brand.new@example.test"
    )
    assert "already" not in taken.content.decode().lower()
    # The new address got an account; the taken one did not get a second.
    assert User.objects.filter(email="brand.new@example.test", role=Role.PATIENT).exists()
    assert User.objects.filter(email=patient.email).count() == 1


def test_the_owner_of_a_taken_email_is_told_by_email_not_on_the_page(db: None) -> None:
    patient = someone()
    sign_up(patient.email)
    # Through the outbox (tests/portal/test_signup_timing.py): sent by a worker.
    [to_owner] = Notification.objects.filter(recipient=patient)
    assert to_owner.kind == Kind.ACCOUNT_ALREADY_EXISTS
    assert "already" in render_message(to_owner.kind, to_owner.context).text.lower()


def test_a_sign_up_makes_a_patient_never_staff(db: None) -> None:
    sign_up("hopeful@example.test")
    user = User.objects.get(email="hopeful@example.test")
    assert user.role == Role.PATIENT
    assert not user.is_staff
    assert not user.is_superuser
    assert hasattr(user, "patient_profile")


def test_a_new_account_must_verify_its_email_before_signing_in(db: None) -> None:
    sign_up("unverified@example.test")
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "unverified@example.test", "password": "a-long-enough-passphrase"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def reset(email: str) -> Any:
    return Client().post("/accounts/password/reset/", {"email": email}, follow=True)


def test_password_reset_answers_the_same_for_known_and_unknown_emails(db: None) -> None:
    patient = someone()
    known = reset(patient.email)
    unknown = reset("nobody.here@example.test")

    assert known.status_code == unknown.status_code == 200
    assert [url for url, _ in known.redirect_chain] == [url for url, _ in unknown.redirect_chain]
    assert normalised(known.content, patient.email) == normalised(
        unknown.content, "nobody.here@example.test"
    )


def test_password_reset_sends_the_link_only_to_a_real_account(db: None) -> None:
    patient = someone()
    reset(patient.email)
    reset("nobody.here@example.test")
    to_patient = [m for m in mail.outbox if patient.email in m.to]
    assert len(to_patient) == 1
    assert "/accounts/password/reset/key/" in to_patient[0].body
    to_nobody = [m for m in mail.outbox if "nobody.here@example.test" in m.to]
    # allauth tells an unknown address that it has no account (so a typo is noticed),
    # by email, where only the owner of the address reads it.
    assert all("/accounts/password/reset/key/" not in m.body for m in to_nobody)
