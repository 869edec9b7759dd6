"""The patient's home (profile and next steps) and the profile form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from portal.models import Location, PatientProfile, User
from tests.factories import UserFactory

TODAY = dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)  # 10:00 in Sacramento


def profile_data(**changes: Any) -> dict[str, Any]:
    data = {
        "legal_name": "Jordan Avery Lee",
        "preferred_name": "Jo",
        "date_of_birth": "1990-05-17",
        "phone": "(916) 555-0111",
        "emergency_contact_name": "Morgan Lee",
        "emergency_contact_phone": "(916) 555-0112",
        "preferred_location": Location.objects.get(slug="roseville").pk,
    }
    data.update(changes)
    return data


@pytest.fixture
def new_patient(db: None) -> User:
    # Signed up and verified, profile not yet filled in.
    return UserFactory(email="new.patient@example.test")


# Home


def test_a_new_patient_is_shown_the_next_step(client_for: Any, new_patient: User) -> None:
    response = client_for(new_patient).get("/patient/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Next step: complete your profile" in html
    assert 'href="/patient/profile/"' in html
    assert 'data-testid="crisis-footer"' in html
    assert "988" in html


def test_a_patient_with_a_complete_profile_is_not_asked_again(
    client_for: Any, patient: User
) -> None:
    html = client_for(patient).get("/patient/").content.decode()
    assert "Next step: complete your profile" not in html
    assert patient.patient_profile.legal_name in html


def test_home_sends_each_role_to_their_own_page(
    client_for: Any, patient: User, front_desk: User, clinician: User, clinic_admin: User
) -> None:
    assert client_for(patient).get("/")["Location"] == "/patient/"
    assert client_for(front_desk).get("/")["Location"] == "/front-desk/"
    assert client_for(clinic_admin).get("/")["Location"] == "/front-desk/"
    assert client_for(clinician).get("/")["Location"] == "/clinician/"


def test_a_visitor_sees_the_landing_page(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/accounts/signup/"' in response.content.decode()


def test_patient_home_is_for_patients_only(
    client: Client, client_for: Any, front_desk: User, clinician: User
) -> None:
    assert client.get("/patient/")["Location"].startswith("/accounts/login/")
    assert client_for(front_desk).get("/patient/").status_code == 403
    assert client_for(clinician).get("/patient/").status_code == 403


def test_patient_home_refuses_a_post(client_for: Any, patient: User) -> None:
    assert client_for(patient).post("/patient/").status_code == 405


# Profile edit


def test_it_saves_the_profile_and_goes_home(client_for: Any, new_patient: User) -> None:
    client = client_for(new_patient)
    response = client.post("/patient/profile/", profile_data(), follow=True)
    assert response.redirect_chain == [("/patient/", 302)]
    assert "Your profile is saved." in response.content.decode()
    profile = PatientProfile.objects.get(user=new_patient)
    assert profile.legal_name == "Jordan Avery Lee"
    assert profile.date_of_birth == dt.date(1990, 5, 17)
    assert profile.preferred_location.slug == "roseville"
    assert profile.is_complete
    assert "Next step: complete your profile" not in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_birth_date_in_the_future_is_refused_and_everything_typed_stays(
    client_for: Any, new_patient: User
) -> None:
    client = client_for(new_patient)
    response = client.post("/patient/profile/", profile_data(date_of_birth="2026-03-04"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"date_of_birth": ["Date of birth cannot be in the future."]}
    html = response.content.decode()
    # The message sits next to the field (crispy renders it in the field's block).
    field_block = html[html.index('id="div_id_date_of_birth"') :][:1500]
    assert "Date of birth cannot be in the future." in field_block
    for typed in ("Jordan Avery Lee", "Jo", "(916) 555-0111", "Morgan Lee", "(916) 555-0112"):
        assert f'value="{typed}"' in html, typed
    assert 'value="2026-03-04"' in html
    assert "selected" in html[html.index('id="id_preferred_location"') :][:600]
    # Nothing was saved.
    assert PatientProfile.objects.get(user=new_patient).legal_name == ""


@time_machine.travel(TODAY, tick=False)
def test_today_is_an_acceptable_birth_date_boundary(client_for: Any, new_patient: User) -> None:
    response = client_for(new_patient).post(
        "/patient/profile/", profile_data(date_of_birth="2026-03-03")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "1850-01-01", "Please check the year of birth."),
        ("date_of_birth", "not a date", "Enter a valid date."),
        ("phone", "12345", "Enter a phone number with 10 to 15 digits."),
        ("emergency_contact_phone", "555", "Enter a phone number with 10 to 15 digits."),
        ("legal_name", "", "This field is required."),
        ("preferred_location", "999999", "Select a valid choice."),
    ],
)
def test_bad_values_are_refused_with_a_message_and_no_500(
    client_for: Any, new_patient: User, field: str, value: str, message: str
) -> None:
    response = client_for(new_patient).post("/patient/profile/", profile_data(**{field: value}))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])


def test_the_profile_page_is_for_patients_only(
    client: Client, client_for: Any, front_desk: User, clinician: User, new_patient: User
) -> None:
    assert client.get("/patient/profile/")["Location"].startswith("/accounts/login/")
    assert client_for(front_desk).get("/patient/profile/").status_code == 403
    assert client_for(clinician).post("/patient/profile/", profile_data()).status_code == 403


def test_a_patient_only_ever_edits_their_own_profile(
    client_for: Any, patient: User, other_patient: User
) -> None:
    # The form has no id to guess: it always edits the signed-in patient's profile,
    # even when someone posts another patient's identifiers.
    theirs = PatientProfile.objects.get(user=patient)
    response = client_for(other_patient).post(
        "/patient/profile/?id=" + str(theirs.pk),
        {**profile_data(legal_name="Mallory"), "user": patient.pk, "id": theirs.pk},
    )
    assert response.status_code == 302
    assert PatientProfile.objects.get(user=patient).legal_name == theirs.legal_name
    assert PatientProfile.objects.get(user=other_patient).legal_name == "Mallory"


def test_the_profile_page_refuses_other_methods(client_for: Any, patient: User) -> None:
    assert client_for(patient).put("/patient/profile/").status_code == 405
