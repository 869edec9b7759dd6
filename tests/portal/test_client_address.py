"""The client's address is the one the trusted proxy wrote, never one a client forged.

Behind the one proxy (ALLAUTH_TRUSTED_PROXY_COUNT=1) Caddy sets X-Forwarded-For to
the address that connected to it; a client that writes its own header, whether through
the proxy or straight to web, does not change what the rate limits and the audit see.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from portal.audit import AuditEvent
from portal.models import User
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.9"  # the proxy's address on the compose network


def fresh_ip() -> str:
    n = uuid.uuid4().int
    return f"198.19.{n % 250}.{(n >> 8) % 250 + 1}"


@pytest.fixture
def spray_limit(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **django_settings.ACCOUNT_RATE_LIMITS,
        "login": "1000/m/ip",
        "login_failed": "10/m/ip,5/5m/key",
    }


def wrong_login(client: Client, email: str, **meta: Any) -> str:
    response = client.post(
        "/accounts/login/", {"login": email, "password": "not-the-password"}, **meta
    )
    refused = "Too many failed login attempts" in response.content.decode()
    return "refused" if refused or response.status_code == 429 else "wrong"


def test_a_forged_header_behind_the_proxy_does_not_dodge_the_spray_limit(
    settings: Any, spray_limit: None
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    real = fresh_ip()
    client = Client()
    codes = [
        # The client rotates its own X-Forwarded-For; the proxy appends the real address.
        wrong_login(
            client,
            f"sprayed{n}@example.test",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"6.6.{n}.6, {real}",
        )
        for n in range(40)
    ]
    assert codes[:10] == ["wrong"] * 10
    assert set(codes[10:]) == {"refused"}


def test_without_a_proxy_the_header_is_ignored(settings: Any, spray_limit: None) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    real = fresh_ip()
    client = Client()
    codes = [
        wrong_login(
            client, f"direct{n}@example.test", REMOTE_ADDR=real, HTTP_X_FORWARDED_FOR=f"6.6.{n}.6"
        )
        for n in range(12)
    ]
    assert codes[:10] == ["wrong"] * 10
    assert set(codes[10:]) == {"refused"}


def audited_address(clinician: User, **meta: Any) -> str | None:
    patient = PatientFactory()
    client = Client()
    client.force_login(clinician)
    response = client.get(f"/integration/patients/{patient.pk}/trends/", **meta)
    assert response.status_code == 200
    return AuditEvent.objects.filter(actor=clinician).latest("pk").ip_address


def test_the_audit_records_the_address_the_proxy_wrote(settings: Any, clinician: User) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    address = audited_address(
        clinician, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert address == "203.0.113.9"


def test_the_audit_ignores_a_forged_header_when_no_proxy_is_configured(
    settings: Any, clinician: User
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    address = audited_address(clinician, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert address == "203.0.113.7"
