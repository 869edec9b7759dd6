"""Chart numbers, the staff view of a patient, and the patient search box."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal import search
from portal.audit import AuditEvent
from portal.models import PatientProfile, User
from portal.services import user_create_verified
from tests.factories import PatientFactory

# --- the query, as typed (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "text", "day"),
    [
        ("", "empty", "", None),
        ("   ", "empty", "", None),
        ("\x00", "empty", "", None),
        ("Al\x00ex", "name", "Al ex", None),
        ("03/14/1985", "birth_date", "", dt.date(1985, 3, 14)),
        ("1985-03-14", "birth_date", "", dt.date(1985, 3, 14)),
        ("02/30/1985", "name", "02/30/1985", None),  # no such day: not a date
        ("C-000123", "chart_number", "C-000123", None),
        ("c123", "chart_number", "C-000123", None),
        ("C 42", "chart_number", "C-000042", None),
        ("alex@example.test", "email", "alex@example.test", None),
        ("@gmail", "email", "@gmail", None),
        ("(916) 555-0142", "phone", "9165550142", None),
        ("0142", "phone", "0142", None),
        ("555", "name", "555", None),  # too few digits to mean a phone
        ("Alex Morgan", "name", "Alex Morgan", None),
        ("  Alex   Morgan ", "name", "Alex Morgan", None),
        ("Ana-María O'Neil", "name", "Ana-María O'Neil", None),
    ],
)
def test_a_query_is_read_as_one_kind(typed: str, kind: str, text: str, day: Any) -> None:
    query = search.parse(typed)
    assert (query.kind, query.text, query.day) == (kind, text, day)


def test_a_very_long_query_is_cut_to_the_limit() -> None:
    assert len(search.parse("x" * 1000).text) == search.MAX_QUERY


# --- chart numbers ----------------------------------------------------------------------


def test_every_new_patient_gets_the_next_unique_chart_number(db: None) -> None:
    first = user_create_verified(email="one@example.test", password="x-long-pass-1", role="patient")
    second = user_create_verified(
        email="two@example.test", password="x-long-pass-2", role="patient"
    )
    a, b = first.patient_profile.chart_number, second.patient_profile.chart_number
    assert re.fullmatch(r"C-\d{6}", a)
    assert int(b[2:]) == int(a[2:]) + 1


def test_the_database_refuses_two_patients_with_one_chart_number(db: None) -> None:
    one, two = PatientFactory(), PatientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientProfile.objects.filter(user=two).update(
            chart_number=one.patient_profile.chart_number
        )


# --- the search page --------------------------------------------------------------------


@pytest.fixture
def two_alexes(db: None) -> tuple[User, User]:
    older = PatientFactory(
        profile__legal_name="Alex Morgan",
        profile__preferred_name="Alex",
        profile__date_of_birth=dt.date(1980, 1, 2),
        profile__phone="(916) 555-0101",
        email="alex.morgan@example.test",
    )
    younger = PatientFactory(
        profile__legal_name="Alexandra Reyes",
        profile__preferred_name="Alex",
        profile__date_of_birth=dt.date(1999, 7, 30),
        profile__phone="(530) 555-0199",
        email="a.reyes@example.test",
    )
    return older, younger


def _rows(response: Any) -> list[str]:
    return [profile.chart_number for profile, _links in response.context["rows"]]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("07/30/1999", ["younger"]),
        ("1980-01-02", ["older"]),
        ("Alex", ["older", "younger"]),
        ("reyes", ["younger"]),
        ("Morgann", ["older"]),  # a typo still finds her (trigram similarity)
        ("555-0199", ["younger"]),
        ("9165550101", ["older"]),
        ("alex.morgan@", ["older"]),
    ],
)
def test_the_desk_finds_a_patient_by_what_they_know(
    client_for: Any, front_desk: User, two_alexes: tuple[User, User], typed: str, found: list[str]
) -> None:
    older, younger = two_alexes
    who = {"older": older, "younger": younger}
    response = client_for(front_desk).get(reverse("portal:patient-search"), {"q": typed})
    assert response.status_code == 200
    assert sorted(_rows(response)) == sorted(who[w].patient_profile.chart_number for w in found)


def test_two_patients_of_one_first_name_are_told_apart_on_the_results(
    client_for: Any, front_desk: User, two_alexes: tuple[User, User]
) -> None:
    older, younger = two_alexes
    html = client_for(front_desk).get(reverse("portal:patient-search"), {"q": "Alex"}).content
    page = html.decode()
    for person, born in ((older, "01/02/1980"), (younger, "07/30/1999")):
        assert person.patient_profile.legal_name in page
        assert f"born {born}" in page
        assert person.patient_profile.chart_number in page
        assert reverse("portal:patient-chart", args=[person.pk]) in page


def test_a_search_by_chart_number_finds_exactly_that_patient(
    client_for: Any, clinician: User, two_alexes: tuple[User, User]
) -> None:
    _, younger = two_alexes
    number = younger.patient_profile.chart_number
    response = client_for(clinician).get(
        reverse("portal:patient-search"), {"q": number.lower().replace("-", "")}
    )
    assert _rows(response) == [number]


def test_a_clinicians_search_is_audited_once_by_kind_never_naming_who_was_found(
    client_for: Any, clinician: User, two_alexes: tuple[User, User]
) -> None:
    client_for(clinician).get(reverse("portal:patient-search"), {"q": "07/30/1999"})
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.patient) == (
        clinician,
        "patient.search.birth_date",
        None,
    )
    assert "1999" not in event.path


def test_the_desks_search_is_not_audited_and_an_empty_box_searches_nothing(
    client_for: Any, front_desk: User, clinician: User, two_alexes: tuple[User, User]
) -> None:
    client_for(front_desk).get(reverse("portal:patient-search"), {"q": "Alex"})
    response = client_for(clinician).get(reverse("portal:patient-search"), {"q": "  "})
    assert response.context["page"] is None
    assert not AuditEvent.objects.exists()


def test_the_desk_gets_a_billing_link_beside_each_result_and_a_clinician_does_not(
    client_for: Any, front_desk: User, clinician: User, two_alexes: tuple[User, User]
) -> None:
    older, _ = two_alexes
    billing = reverse("scheduling:billing-account", args=[older.pk])
    desk = client_for(front_desk).get(reverse("portal:patient-search"), {"q": "Morgan"})
    care = client_for(clinician).get(reverse("portal:patient-search"), {"q": "Morgan"})
    assert billing in desk.content.decode()
    assert billing not in care.content.decode()


def test_results_are_paged(client_for: Any, front_desk: User, db: None) -> None:
    for _ in range(30):
        PatientFactory(profile__date_of_birth=dt.date(1990, 5, 5))
    url = reverse("portal:patient-search")
    first = client_for(front_desk).get(url, {"q": "05/05/1990"})
    second = client_for(front_desk).get(url, {"q": "05/05/1990", "page": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("patients", [2, 20])
def test_the_search_reads_a_fixed_number_of_queries(
    client_for: Any,
    front_desk: User,
    django_assert_max_num_queries: Any,
    db: None,
    patients: int,
) -> None:
    for _ in range(patients):
        PatientFactory(profile__legal_name="Sam Example")
    client = client_for(front_desk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:patient-search"), {"q": "Sam"})
    assert len(response.context["rows"]) == patients


def test_a_patient_may_not_search(client_for: Any, patient: User) -> None:
    assert client_for(patient).get(reverse("portal:patient-search"), {"q": "a"}).status_code == 403


def test_the_search_box_is_in_the_staff_navigation_only(
    client_for: Any, front_desk: User, patient: User
) -> None:
    assert (
        'data-testid="nav-patient-search"'
        in client_for(front_desk).get("/front-desk/").content.decode()
    )
    assert (
        'data-testid="nav-patient-search"'
        not in client_for(patient).get("/patient/").content.decode()
    )
