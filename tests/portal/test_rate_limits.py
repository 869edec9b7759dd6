"""Login rate limits really block, counted in the real Redis cache that every web
process shares, and keyed on the client's address behind ALLAUTH_TRUSTED_PROXY_COUNT."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from portal.models import User
from tests.factories import TEST_PASSWORD, PatientFactory


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **django_settings.ACCOUNT_RATE_LIMITS,
        "login": "3/m/ip",
        "login_failed": "2/m/key",
    }


def fresh_ip() -> str:
    # A unique documentation-range address per test, so counters of other tests never
    # reach this one (the cache outlives a test).
    n = uuid.uuid4().int
    return f"198.18.{n % 250}.{(n >> 8) % 250 + 1}"


def post_login(client: Client, email: str, password: str, **meta: Any) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password}, **meta)


def test_the_cache_is_redis_not_per_process_memory() -> None:
    config = django_settings.CACHES["default"]
    # Redis behind the wrapper that falls back to memory only while Redis is unreachable.
    assert config["OPTIONS"]["PRIMARY_BACKEND"].endswith("RedisCache")


def test_too_many_logins_from_one_address_get_429(db: None) -> None:
    ip = fresh_ip()
    client = Client(REMOTE_ADDR=ip)
    statuses = [
        post_login(client, f"guess{n}@example.test", "wrong-password-1").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # A page for people, not a stack trace.
    blocked = post_login(client, "guess9@example.test", "wrong-password-1")
    assert blocked.status_code == 429
    assert b"<html" in blocked.content.lower()


def test_the_block_holds_even_for_the_right_password(db: None) -> None:
    user = PatientFactory()
    client = Client(REMOTE_ADDR=fresh_ip())
    for n in range(3):
        post_login(client, f"guess{n}@example.test", "wrong-password-1")
    assert post_login(client, user.email, TEST_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_blocked(db: None) -> None:
    user = PatientFactory()
    attacker = Client(REMOTE_ADDR=fresh_ip())
    for n in range(4):
        post_login(attacker, f"guess{n}@example.test", "wrong-password-1")
    patient_client = Client(REMOTE_ADDR=fresh_ip())
    assert post_login(patient_client, user.email, TEST_PASSWORD).status_code == 302


def test_failed_attempts_on_one_account_lock_it_for_that_address_only(db: None) -> None:
    user: User = PatientFactory()
    # The per-account counter is per (address, account): a stranger's wrong passwords
    # lock the stranger out, not the account's owner on their own device.
    stranger = fresh_ip()
    for _ in range(2):
        post_login(Client(REMOTE_ADDR=stranger), user.email, "wrong-password-1")
    client = Client(REMOTE_ADDR=stranger)
    response = post_login(client, user.email, TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert post_login(Client(REMOTE_ADDR=fresh_ip()), user.email, TEST_PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_limit_is_per_client_not_per_proxy(
    settings: Any, db: None
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = fresh_ip()
    user = PatientFactory()
    attacker_ip, patient_ip = fresh_ip(), fresh_ip()
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=attacker_ip)
    statuses = [
        post_login(attacker, f"guess{n}@example.test", "wrong-password-1").status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429
    # The same proxy forwards a different client: not blocked.
    patient_client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=patient_ip)
    assert post_login(patient_client, user.email, TEST_PASSWORD).status_code == 302
