"""A stranger's wrong passwords do not lock the real user out; spraying is still stopped.

The failed-login limit counts per (address, account), so five wrong passwords from
elsewhere leave the user's own device able to sign in, while the per-address limit
still refuses a spray of many accounts from one address. The production limits are
used here (the test settings loosen them for the rest of the suite).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from portal import settings as production
from tests.factories import TEST_PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_limits(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS


def fresh_ip() -> str:
    n = uuid.uuid4().int
    return f"198.18.{n % 250}.{(n >> 8) % 250 + 1}"


def post_login(email: str, password: str, ip: str) -> Any:
    return Client().post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def outcome(response: Any) -> str:
    """ "refused" (allauth answers the form again with its too-many message, or 429),
    "wrong" (the form again), or "in" (a redirect into the portal)."""
    if response.status_code == 429 or "Too many failed login attempts" in response.content.decode():
        return "refused"
    return "in" if response.status_code == 302 else "wrong"


def test_five_wrong_passwords_from_elsewhere_do_not_refuse_the_users_own_sign_in() -> None:
    user = PatientFactory()
    stranger = fresh_ip()
    assert outcome(post_login(user.email, "not-the-password", stranger)) == "wrong"
    for _ in range(5):
        post_login(user.email, "not-the-password", stranger)
    # The stranger is now refused even the right password ...
    assert outcome(post_login(user.email, TEST_PASSWORD, stranger)) == "refused"
    # ... and the user, from their own address, is not.
    assert outcome(post_login(user.email, TEST_PASSWORD, fresh_ip())) == "in"


def test_the_stranger_is_refused_after_five_wrong_passwords_for_one_account() -> None:
    user = PatientFactory()
    stranger = fresh_ip()
    codes = [outcome(post_login(user.email, "not-the-password", stranger)) for _ in range(6)]
    assert codes == ["wrong"] * 5 + ["refused"]


def test_forty_sprayed_attempts_from_one_address_are_refused() -> None:
    sprayer = fresh_ip()
    users = [PatientFactory() for _ in range(4)]
    codes = [
        outcome(post_login(users[n % 4].email, f"Guess{n}-password", sprayer)) for n in range(40)
    ]
    assert codes[:10] == ["wrong"] * 10
    assert set(codes[10:]) == {"refused"}
