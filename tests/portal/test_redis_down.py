"""With Redis gone mid-run, sign-in and the pages that read the cache keep answering.

A throwaway redis-server on a free port backs the cache; the test kills it and goes on
signing in and opening pages. The rate limits then count in this process's memory, and
the log says so once.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from integration.window import CLINIC_ZONE
from portal.models import User
from tests.factories import TEST_PASSWORD, PatientFactory
from tests.treatments.factories import course_started, session_discharged

pytestmark = pytest.mark.django_db

DISCHARGE = dt.datetime(2026, 3, 3, 11, 30, tzinfo=CLINIC_ZONE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def throwaway_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "throwaway redis-server did not start"
            time.sleep(0.05)
    yield proc, url
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
def cache_on_throwaway_redis(
    settings: Any, throwaway_redis: tuple[subprocess.Popen[bytes], str]
) -> subprocess.Popen[bytes]:
    proc, url = throwaway_redis
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": url, "KEY_PREFIX": "down"}
    }
    settings.REDIS_URL = url
    cache.set("probe", 1)
    assert redis.Redis.from_url(url).dbsize() == 1  # really in that Redis
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait(timeout=10)


def sign_in(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def test_a_patient_signs_in_after_redis_stops(cache_on_throwaway_redis, caplog) -> None:
    patient = PatientFactory()
    sign_in(patient)  # with Redis up
    stop(cache_on_throwaway_redis)
    with caplog.at_level(logging.WARNING, logger="portal.cache_fallback"):
        for _ in range(3):
            client = sign_in(patient)
            assert client.get("/patient/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "portal.cache_fallback"]
    assert len(warnings) == 1  # one line, not one per request
    assert "Redis unreachable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None  # no traceback


def test_the_login_rate_limit_still_counts_in_process_memory(
    settings, cache_on_throwaway_redis
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**django_settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    patient = PatientFactory()
    stop(cache_on_throwaway_redis)
    client = Client()
    codes = [
        client.post(
            "/accounts/login/",
            {"login": patient.email, "password": "wrong-password"},
            REMOTE_ADDR="198.18.7.7",
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [200, 200, 200]
    assert 429 in codes[3:]


def test_staff_homes_and_integration_pages_answer_with_redis_stopped(
    settings, cache_on_throwaway_redis, front_desk, clinician, client_for
) -> None:
    patient = PatientFactory()
    with time_machine.travel(DISCHARGE, tick=False):
        session = session_discharged(course_started(patient))
    stop(cache_on_throwaway_redis)
    with time_machine.travel(DISCHARGE + dt.timedelta(hours=25), tick=False):
        assert client_for(front_desk).get("/front-desk/").status_code == 200
        assert client_for(clinician).get("/clinician/").status_code == 200
        assert client_for(clinician).get("/integration/windows/").status_code == 200
        slots = client_for(patient).get(f"/integration/sessions/{session.pk}/slots/")
        assert slots.status_code == 200


def test_healthz_still_answers_503_with_redis_stopped(cache_on_throwaway_redis) -> None:
    stop(cache_on_throwaway_redis)
    assert Client().get("/healthz").status_code == 503
