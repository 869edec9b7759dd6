"""The patient's home gathers every app's panel in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import PatientProfile, User
from tests.factories import UserFactory
from tests.integration.factories import add_gad7, add_mood, add_phq9
from tests.scheduling.factories import appointment_booked, next_local
from tests.treatments.factories import course_started, session_discharged

# Session, user, profile; one query each for the intake, scheduling, integration and
# messages panels and two for treatments (course plans, aftercare); the session write
# inside its savepoint (three statements).
HOME_QUERY_LIMIT = 12


def patient_in_treatment(*, sessions: int, visits: int, checkin_weeks: int) -> User:
    patient = UserFactory(email=f"home{sessions}{visits}@example.test")
    PatientProfile.objects.create(user=patient, legal_name="Robin Vale", preferred_name="Robin")
    course = course_started(patient)
    for _ in range(sessions):
        session_discharged(course)
    for n in range(visits):
        appointment_booked(patient=patient, starts_at=next_local(day_offset=n + 2))
    today = timezone.localdate()
    for week in range(checkin_weeks):
        add_phq9(patient, today - dt.timedelta(days=7 * week), 12)
        add_gad7(patient, today - dt.timedelta(days=7 * week), 9)
    add_mood(patient, today, 6)
    return patient


def home_queries(client_for: Any, patient: User) -> int:
    client = client_for(patient)
    client.get(reverse("portal:patient-home"))  # first visit fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:patient-home"))
    assert response.status_code == 200
    assert "Robin" in response.content.decode()
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_patient_home_makes_as_many_queries_for_a_long_history_as_for_a_short_one(
    client_for: Any,
) -> None:
    short = patient_in_treatment(sessions=1, visits=1, checkin_weeks=1)
    long = patient_in_treatment(sessions=4, visits=3, checkin_weeks=6)
    assert home_queries(client_for, short) == home_queries(client_for, long)


@pytest.mark.django_db
def test_the_patient_home_stays_within_its_query_budget(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    patient = patient_in_treatment(sessions=3, visits=2, checkin_weeks=3)
    client = client_for(patient)
    client.get(reverse("portal:patient-home"))
    with django_assert_max_num_queries(HOME_QUERY_LIMIT):
        response = client.get(reverse("portal:patient-home"))
    page = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    # Every panel drew what it reads, within those queries.
    assert "Hello, Robin" in page
    assert "approved for IV ketamine infusion" in page  # intake
    assert page.count("10:00 AM · Folsom") == 2  # scheduling: both visits
    assert "Infusion 3 of 6" in page  # treatments
    assert "Aftercare to read" in page
    assert "Today's mood: 6/10" in page  # integration
    assert "Book your integration therapy" in page
