"""One naming rule: User.display_name and the column-based helpers agree."""

from __future__ import annotations

import pytest

from portal.models import PERSON_FIELDS, PatientProfile, Role, User, person_name


def _values_of(user: User) -> dict[str, object]:
    return User.objects.filter(pk=user.pk).values(*PERSON_FIELDS)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "full_name", "profile", "expected"),
    [
        (Role.PATIENT, "Login Name", ("Mo", "Maureen Ortiz"), "Mo"),
        (Role.PATIENT, "Login Name", ("", "Maureen Ortiz"), "Maureen Ortiz"),
        (Role.PATIENT, "Login Name", ("", ""), "pat@example.test"),
        (Role.PATIENT, "Login Name", None, "Login Name"),
        (Role.PATIENT, "", None, "pat@example.test"),
        (Role.CLINICIAN, "Dr Ada Lee", None, "Dr Ada Lee"),
        (Role.FRONT_DESK, "", None, "pat@example.test"),
    ],
)
def test_a_person_is_named_the_same_from_a_model_and_from_columns(
    role: str, full_name: str, profile: tuple[str, str] | None, expected: str
) -> None:
    user = User.objects.create_user(email="pat@example.test", full_name=full_name, role=role)
    if profile is not None:
        PatientProfile.objects.create(user=user, preferred_name=profile[0], legal_name=profile[1])
    fresh = User.objects.get(pk=user.pk)
    assert fresh.display_name == expected
    assert person_name(_values_of(user), "") == expected


@pytest.mark.django_db
def test_naming_a_staff_member_looks_up_no_profile(django_assert_num_queries) -> None:
    clinician = User.objects.create_user(email="dr@example.test", role=Role.CLINICIAN)
    fresh = User.objects.get(pk=clinician.pk)
    with django_assert_num_queries(0):
        assert fresh.display_name == "dr@example.test"
