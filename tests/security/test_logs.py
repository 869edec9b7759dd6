"""No PHI in logs: errors on patient and clinical pages log paths and tracebacks, never
who the patient is or what they answered.

Logs leave the building (log shippers, support tickets); the audit trail is the place
for "who looked at whom". The test provokes what ends up in logs: refused forms filled
with the patient's own details, 404s on other patients' ids, failed logins, and a crash
in every page after its data was loaded. Every record, formatted the way the project's
LOGGING formats it (traceback included) and with its extra attributes, is then searched
for patient A's name, email and phone and for the answers typed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.access.spec import World
from tests.security.forms import discover_forms
from tests.security.routes import Visit, client_as, distinct_text, get_pages

ANSWER = "Quillfeather-answer-7731"
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
FORMATTER = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])


def rendered(records: Iterable[logging.LogRecord]) -> list[str]:
    """Each record as a log line would carry it, plus any extra attributes it holds."""
    lines = []
    for record in records:
        extras = " ".join(
            f"{k}={v!r}" for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES
        )
        lines.append(f"{FORMATTER.format(record)} {extras}")
    return lines


def leaks(lines: list[str], secrets: dict[str, str]) -> list[str]:
    return [
        f"{what} in: {line[:300]}"
        for line in lines
        for what, value in secrets.items()
        if value and value.lower() in line.lower()
    ]


@pytest.fixture
def secrets(world: World) -> dict[str, str]:
    patient = world.patient_a
    patient.full_name = "Zephyrine Quillfeather"
    patient.save(update_fields=["full_name"])
    profile = patient.patient_profile
    profile.legal_name = "Zephyrine Amaranth Quillfeather"
    profile.preferred_name = "Zephyrine"
    profile.phone = "(916) 555-7731"
    profile.save()
    return {**distinct_text(world), "answer": ANSWER}


def answered_badly(form_fields: Iterable[str], secrets: dict[str, str]) -> dict[str, Any]:
    """Every field gets something personal; dates and numbers become invalid that way."""
    values = [secrets["legal_name"], secrets["email"], secrets["phone"], ANSWER]
    return {name: f"{values[i % len(values)]} {ANSWER}" for i, name in enumerate(form_fields)}


def test_refused_forms_log_nothing_personal(
    world: World, secrets: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    forms = discover_forms(world)
    assert forms
    caplog.set_level(logging.DEBUG)
    for form in forms:
        client = client_as(world, form.actor)
        with transaction.atomic():
            response = client.post(form.action, answered_badly(form.fields, secrets))
            assert response.status_code < 500, form.label
            transaction.set_rollback(True)
    assert not leaks(rendered(caplog.records), secrets)


def test_other_patients_ids_and_failed_logins_log_nothing_personal(
    world: World, secrets: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    other = client_as(world, "patient_b")
    for visit in get_pages(world):
        if visit.actor == "patient_a" and visit.route.expect["patient_b"] != 200:
            other.get(visit.url)  # refused, and logged as a 404/403
    for _ in range(3):
        Client().post(
            reverse("account_login"), {"login": secrets["email"], "password": "not-it-" + ANSWER}
        )
    assert caplog.records, "premise: refusals are logged at all"
    assert not leaks(rendered(caplog.records), secrets)


def crash_after_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make rendering fail, i.e. after the view has fetched the patient's data."""
    import django.template.loader

    def explode(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(django.template.loader, "render_to_string", explode)


def pages_with_patient_data(world: World) -> list[Visit]:
    return [v for v in get_pages(world) if v.actor in {"patient_a", "clinician"}]


def test_a_crash_on_any_patient_or_clinical_page_logs_nothing_personal(
    world: World,
    secrets: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    visits = pages_with_patient_data(world)
    assert {v.route.name for v in visits} >= {"portal:patient-home", "portal:clinician-home"}
    crash_after_loading(monkeypatch)
    caplog.set_level(logging.DEBUG)
    crashed = []
    for visit in visits:
        client = client_as(world, visit.actor)
        client.raise_request_exception = False
        if client.get(visit.url).status_code == 500:
            crashed.append(visit.url)
    assert crashed, "premise: the pages crashed"
    lines = rendered(caplog.records)
    assert any("Internal Server Error" in line for line in lines)
    assert not leaks(lines, secrets)


def test_the_500_page_shows_nothing_personal_either(
    world: World, secrets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_loading(monkeypatch)
    client = client_as(world, "patient_a")
    client.raise_request_exception = False
    response = client.get(reverse("portal:patient-home"))
    assert response.status_code == 500
    assert not leaks([response.content.decode(errors="replace")], secrets)


def test_the_check_would_see_a_view_that_logs_a_name(
    world: World,
    secrets: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import portal.views

    original = portal.views.home_profile

    def chatty(*, user: Any) -> Any:
        logging.getLogger("portal").warning("loading profile of %s", user.email)
        return original(user=user)

    monkeypatch.setattr(portal.views, "home_profile", chatty)
    caplog.set_level(logging.DEBUG)
    client_as(world, "patient_a").get(reverse("portal:patient-home"))
    assert leaks(rendered(caplog.records), secrets)
