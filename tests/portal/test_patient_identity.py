"""Two patients who share a first name are told apart wherever staff act: legal name,
preferred name in brackets, birth date and age, chart number, and a link to the chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.identity import age_on, identity_of
from portal.models import User
from portal.notifications.models import StaffAlert
from tests.factories import PatientFactory
from tests.intake.factories import submitted_intake
from tests.scheduling.factories import AppointmentRequestFactory


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(1990, 6, 15), dt.date(2026, 6, 14), 35),
        (dt.date(1990, 6, 15), dt.date(2026, 6, 15), 36),
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),
        (None, dt.date(2026, 1, 1), None),
    ],
)
def test_age_counts_whole_years(born: dt.date | None, on: dt.date, age: int | None) -> None:
    assert age_on(born, on) == age


def test_a_patient_without_a_legal_name_is_named_by_their_preferred_name_or_login(
    db: None,
) -> None:
    nameless = PatientFactory(profile__legal_name="", profile__preferred_name="")
    identity = identity_of(nameless)
    assert identity is not None
    assert identity.name == nameless.email
    assert identity.chart_number == nameless.patient_profile.chart_number


@pytest.fixture
def two_blakes(db: None) -> tuple[User, User]:
    return (
        PatientFactory(
            profile__legal_name="Blake Avery",
            profile__preferred_name="Blake",
            profile__date_of_birth=dt.date(1971, 3, 3),
        ),
        PatientFactory(
            profile__legal_name="Blake Quinn",
            profile__preferred_name="Blake",
            profile__date_of_birth=dt.date(2001, 11, 9),
        ),
    )


def _told_apart(page: str, patients: tuple[User, User]) -> None:
    today = timezone.localdate()
    for patient in patients:
        profile = patient.patient_profile
        assert f"{profile.legal_name}</a> (Blake)" in page
        assert (
            f"born {profile.date_of_birth:%m/%d/%Y}, {age_on(profile.date_of_birth, today)}y"
            in page
        )
        assert profile.chart_number in page
        assert reverse("portal:patient-chart", args=[patient.pk]) in page


def test_the_request_queue_tells_two_blakes_apart(
    client_for: Any, front_desk: User, two_blakes: tuple[User, User]
) -> None:
    for patient in two_blakes:
        AppointmentRequestFactory(patient=patient)
    page = client_for(front_desk).get(reverse("scheduling:request-queue")).content.decode()
    _told_apart(page, two_blakes)


def test_the_review_queue_and_the_status_board_tell_two_blakes_apart(
    client_for: Any, clinician: User, front_desk: User, two_blakes: tuple[User, User]
) -> None:
    for patient in two_blakes:
        submitted_intake(patient)
    _told_apart(
        client_for(clinician).get(reverse("intake:review-queue")).content.decode(), two_blakes
    )
    _told_apart(
        client_for(front_desk).get(reverse("intake:status-board")).content.decode(), two_blakes
    )


def test_the_clinicians_alerts_tell_two_blakes_apart(
    client_for: Any, clinician: User, two_blakes: tuple[User, User]
) -> None:
    for n, patient in enumerate(two_blakes):
        StaffAlert.objects.create(
            kind=StaffAlert.Kind.URGENT_SCREENING,
            patient=patient,
            title="Screening needs review",
            dedupe_key=f"identity-test:{n}",
        )
    _told_apart(client_for(clinician).get("/clinician/").content.decode(), two_blakes)


def test_a_patient_still_sees_their_preferred_name(
    client_for: Any, two_blakes: tuple[User, User]
) -> None:
    page = client_for(two_blakes[0]).get("/patient/").content.decode()
    assert "Blake" in page
    assert two_blakes[0].patient_profile.chart_number not in page
