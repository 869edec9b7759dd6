"""The shared cast: a patient, another patient who must see nothing of the first,
front desk, a clinician and a clinic admin. Staff come with TOTP enrolled, because the
portal requires it of staff (PORTAL_REQUIRE_STAFF_MFA) and the tests run with it on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.utils import translation

from portal.models import ClinicianKind, Credential, Location, User
from tests.factories import (
    ClinicAdminFactory,
    ClinicianFactory,
    FrontDeskFactory,
    PatientFactory,
)


def enrol_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture(autouse=True)
def _each_test_starts_in_english() -> Iterator[None]:
    """A Spanish patient's request leaves Spanish active in the thread (LocaleMiddleware
    activates, nothing deactivates), so the next test would read its refusals in Spanish."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _locations_open_whenever_clinicians_work(request: pytest.FixtureRequest) -> None:
    """The seeded opening hours (scheduling 0008: Monday to Friday) would make a test's
    "tomorrow" a closed day at weekends. Tests book on any day, so their locations have
    no opening hours (open whenever clinicians work); a test about closed days sets its
    own (tests/scheduling/factories.py `open_hours`)."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        transactional = True
    request.getfixturevalue("transactional_db" if transactional else "db")
    from scheduling.models import LocationHours

    LocationHours.objects.all().delete()


@pytest.fixture
def patient(db: None) -> User:
    return PatientFactory(email="patient.a@example.test")


@pytest.fixture
def other_patient(db: None) -> User:
    return PatientFactory(email="patient.b@example.test")


@pytest.fixture
def front_desk(db: None) -> User:
    user = FrontDeskFactory(email="frontdesk@example.test")
    enrol_totp(user)
    return user


@pytest.fixture
def clinician(db: None) -> User:
    user = ClinicianFactory(email="clinician@example.test")
    enrol_totp(user)
    return user


@pytest.fixture
def nurse(db: None) -> User:
    user = ClinicianFactory(
        email="nurse@example.test",
        full_name="Nico Alvarez, RN",
        clinician_kind=ClinicianKind.NURSE,
        credential=Credential.RN,
    )
    enrol_totp(user)
    return user


@pytest.fixture
def therapist(db: None) -> User:
    user = ClinicianFactory(
        email="therapist@example.test",
        full_name="Tara Singh, LMFT",
        clinician_kind=ClinicianKind.THERAPIST,
        credential=Credential.LMFT,
    )
    enrol_totp(user)
    return user


@pytest.fixture
def clinic_admin(db: None) -> User:
    user = ClinicAdminFactory(email="admin@example.test")
    enrol_totp(user)
    return user


@pytest.fixture
def location(db: None) -> Location:
    return Location.objects.get(slug="folsom")


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client logged in as `user` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on-commit callbacks of the block (tests run inside a transaction)."""
    return django_capture_on_commit_callbacks


def test_database_url() -> str:
    """A DATABASE_URL for the test database, for processes the tests start (workers)."""
    from django.db import connection

    s = connection.settings_dict
    socket_dir = s.get("OPTIONS", {}).get("host")
    if socket_dir:
        return f"postgres://{s['USER']}@/{s['NAME']}?host={socket_dir}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_celery_worker(name: str, *extra: str) -> subprocess.Popen[bytes]:
    """A real Celery worker process on the test database and the test Redis."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings_test"
    env["DATABASE_URL"] = test_database_url()
    env["REDIS_URL"] = settings.REDIS_URL
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--loglevel=WARNING",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            *extra,
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )


def wait_for_worker(name: str, timeout: float = 40.0) -> None:
    from portal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        if any(name in host for reply in replies for host in reply):
            return
    raise TimeoutError(f"celery worker {name} did not answer within {timeout}s")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def celery_worker_process() -> Iterator[subprocess.Popen[bytes]]:
    name = f"test-{uuid.uuid4().hex[:8]}"
    proc = start_celery_worker(name, "--concurrency=1")
    try:
        wait_for_worker(name)
        yield proc
    finally:
        stop_process(proc)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="ISO-DATETIME",
        help=(
            "Run the suite with the clock moved to this moment (it keeps ticking), e.g. "
            "--clock=2026-12-06T23:30-08:00: the suite must pass at any hour CI happens "
            "to run, quiet hours and the UTC date change included. The test process and "
            "its live server move; a separate Celery worker process and PostgreSQL's "
            "now() keep the real clock, so tests that start a worker process fail here "
            "for that reason alone."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    """The Spanish catalogs (.mo) are build output: `pytest` run directly, not through
    `make test`, compiles them too (portal.catalogs, pure Python)."""
    from portal.catalogs import compile_all

    compile_all()
    clock = config.getoption("--clock")
    if clock:
        import datetime as dt

        import time_machine

        moment = dt.datetime.fromisoformat(clock)
        if moment.tzinfo is None:
            raise pytest.UsageError("--clock needs a UTC offset, e.g. 2026-12-06T23:30-08:00")
        time_machine.travel(moment, tick=True).start()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test must use serialized_rollback.

    A transactional test empties the database when it ends. Without serialized rollback
    the flush also re-creates content types with new ids, and the next test that asks for
    the migrated clinic data back (locations, services, protocols) fails to restore it.
    With it on everywhere, each such test starts from the data the migrations seeded.
    """
    offenders = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in getattr(item, "fixturenames", ())
            for name in ("transactional_db", "live_server")
        )
        if transactional and not (marker is not None and marker.kwargs.get("serialized_rollback")):
            offenders.append(item.nodeid)
    if offenders:
        raise pytest.UsageError(
            "Transactional tests need @pytest.mark.django_db(transaction=True, "
            "serialized_rollback=True): " + ", ".join(offenders)
        )
