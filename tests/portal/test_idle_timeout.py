"""Idle sessions end: staff after 15 minutes without a request, patients after 30."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from portal.models import User

START = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def signed_in(client: Client, minutes_later: float) -> bool:
    # Read the session at the travelled-to time: at the real clock it has long expired.
    with time_machine.travel(START + dt.timedelta(minutes=minutes_later), tick=False):
        return "_auth_user_id" in client.session


def open_at(client: Client, url: str, minutes_later: float) -> Any:
    with time_machine.travel(START + dt.timedelta(minutes=minutes_later), tick=False):
        return client.get(url)


@pytest.mark.parametrize(
    ("cast", "url", "idle_limit"),
    [
        ("front_desk", "/front-desk/", 15),
        ("clinician", "/clinician/", 15),
        ("clinic_admin", "/front-desk/", 15),
        ("patient", "/patient/", 30),
    ],
)
def test_it_keeps_a_session_alive_one_minute_before_the_limit(
    request: pytest.FixtureRequest, client_for: Any, cast: str, url: str, idle_limit: int
) -> None:
    client = client_for(request.getfixturevalue(cast))
    assert open_at(client, url, 0).status_code == 200
    assert open_at(client, url, idle_limit - 1).status_code == 200
    assert signed_in(client, idle_limit - 1)


@pytest.mark.parametrize(
    ("cast", "url", "idle_limit"),
    [
        ("front_desk", "/front-desk/", 15),
        ("clinician", "/clinician/", 15),
        ("patient", "/patient/", 30),
    ],
)
def test_it_signs_out_after_the_idle_limit_and_says_why(
    request: pytest.FixtureRequest, client_for: Any, cast: str, url: str, idle_limit: int
) -> None:
    client = client_for(request.getfixturevalue(cast))
    assert open_at(client, url, 0).status_code == 200
    response = open_at(client, url, idle_limit + 1)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client, idle_limit + 1)
    with time_machine.travel(START + dt.timedelta(minutes=idle_limit + 1), tick=False):
        login_page = client.get(response["Location"])
    assert f"signed out after {idle_limit} minutes without activity" in login_page.content.decode()


def test_a_patient_idle_for_twenty_minutes_is_still_signed_in(
    client_for: Any, patient: User
) -> None:
    # Twenty minutes would end a staff session, not a patient's.
    client = client_for(patient)
    open_at(client, "/patient/", 0)
    assert open_at(client, "/patient/", 20).status_code == 200


def test_activity_slides_the_limit(client_for: Any, front_desk: User) -> None:
    client = client_for(front_desk)
    for minute in (0, 14, 28, 42):
        assert open_at(client, "/front-desk/", minute).status_code == 200
    assert signed_in(client, 42)


def test_the_session_store_forgets_an_abandoned_session_soon_after_the_limit(
    client_for: Any, front_desk: User, patient: User
) -> None:
    desk, person = client_for(front_desk), client_for(patient)
    first = open_at(desk, "/front-desk/", 0)
    second = open_at(person, "/patient/", 0)
    # Twice the limit: long enough to tell a returning person why they were signed out.
    assert first.cookies["sessionid"]["max-age"] == 2 * 15 * 60
    assert second.cookies["sessionid"]["max-age"] == 2 * 30 * 60


def test_a_session_abandoned_long_ago_is_gone_too(client_for: Any, patient: User) -> None:
    client = client_for(patient)
    open_at(client, "/patient/", 0)
    response = open_at(client, "/patient/", 3 * 60)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_limits_come_from_settings(settings: Any, client_for: Any, clinician: User) -> None:
    settings.PORTAL_STAFF_IDLE_MINUTES = 5
    client = client_for(clinician)
    open_at(client, "/clinician/", 0)
    assert open_at(client, "/clinician/", 6).status_code == 302
