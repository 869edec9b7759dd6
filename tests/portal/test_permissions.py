"""portal/permissions.py: the capability table per role, default deny, and object access."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from portal.models import ClinicianKind, PatientProfile, Role, User
from portal.notifications.models import StaffAlert
from portal.permissions import (
    GRANTS,
    Capability,
    access_patient_object,
    capabilities_of,
    has_capability,
    patient_objects,
    require,
)

C = Capability

# The whole table, written out by hand so that a change to GRANTS is a visible decision.
# A clinician's rights depend on their kind too: one row per (role, kind).
EXPECTED: dict[tuple[Role, str], frozenset[Capability]] = {
    (Role.PATIENT, ""): frozenset({C.PATIENT_SELF}),
    (Role.FRONT_DESK, ""): frozenset(
        {
            C.SCHEDULE_MANAGE,
            C.SCHEDULE_VIEW,
            C.INTAKE_STATUS_VIEW,
            C.PAPERWORK_VIEW,
            C.OUTBOX_MONITOR,
            C.INTEGRATION_BOOK,
            C.BILLING_MANAGE,
            C.MESSAGES_DESK,
            C.TELEHEALTH_LINK,
        }
    ),
    (Role.CLINICIAN, ClinicianKind.PRESCRIBER): frozenset(
        {
            C.SCHEDULE_VIEW,
            C.INTAKE_STATUS_VIEW,
            C.PAPERWORK_VIEW,
            C.CLINICAL_VIEW,
            C.CLINICAL_DECIDE,
            C.SESSION_CHART,
            C.TRENDS_VIEW,
            C.MESSAGES_CARE,
            C.TELEHEALTH_LINK,
        }
    ),
    (Role.CLINICIAN, ClinicianKind.NURSE): frozenset(
        {
            C.SCHEDULE_VIEW,
            C.INTAKE_STATUS_VIEW,
            C.PAPERWORK_VIEW,
            C.CLINICAL_VIEW,
            C.SESSION_CHART,
            C.TRENDS_VIEW,
            C.MESSAGES_CARE,
            C.TELEHEALTH_LINK,
        }
    ),
    (Role.CLINICIAN, ClinicianKind.THERAPIST): frozenset(
        {
            C.SCHEDULE_VIEW,
            C.INTAKE_STATUS_VIEW,
            C.PAPERWORK_VIEW,
            C.TRENDS_VIEW,
            C.INTEGRATION_BOOK,
            C.MESSAGES_CARE,
            C.TELEHEALTH_LINK,
        }
    ),
    # A clinician whose kind is not set yet holds none of the kind-bound capabilities.
    (Role.CLINICIAN, ""): frozenset({C.SCHEDULE_VIEW, C.INTAKE_STATUS_VIEW, C.PAPERWORK_VIEW}),
    (Role.CLINIC_ADMIN, ""): frozenset(
        {
            C.SCHEDULE_MANAGE,
            C.SCHEDULE_VIEW,
            C.INTAKE_STATUS_VIEW,
            C.PAPERWORK_VIEW,
            C.OUTBOX_MONITOR,
            C.AUDIT_VIEW,
            C.INTEGRATION_BOOK,
            C.BILLING_MANAGE,
        }
    ),
}
ACTORS = list(EXPECTED)


def person(role: Role, *, active: bool = True, kind: str = "") -> User:
    # Unsaved: the capability check reads only role, kind and is_active.
    if role == Role.CLINICIAN and not kind:
        kind = ClinicianKind.PRESCRIBER
    return User(email=f"{role}@example.test", role=role, is_active=active, clinician_kind=kind)


@pytest.mark.parametrize("actor", ACTORS, ids=lambda a: f"{a[0]}-{a[1] or 'none'}")
@pytest.mark.parametrize("capability", list(Capability))
def test_it_grants_exactly_the_table(actor: tuple[Role, str], capability: Capability) -> None:
    role, kind = actor
    user = User(email="x@example.test", role=role, is_active=True, clinician_kind=kind)
    assert has_capability(user, capability) is (capability in EXPECTED[actor])


@pytest.mark.parametrize("actor", ACTORS, ids=lambda a: f"{a[0]}-{a[1] or 'none'}")
def test_it_lists_a_roles_capabilities(actor: tuple[Role, str]) -> None:
    role, kind = actor
    user = User(email="x@example.test", role=role, is_active=True, clinician_kind=kind)
    assert capabilities_of(user) == EXPECTED[actor]


def test_it_never_lets_front_desk_see_clinical_data() -> None:
    desk = person(Role.FRONT_DESK)
    assert not has_capability(desk, C.CLINICAL_VIEW)
    assert not has_capability(desk, C.CLINICAL_DECIDE)
    assert not has_capability(desk, C.SESSION_CHART)


@pytest.mark.parametrize("role", list(Role))
def test_it_denies_a_capability_it_does_not_know(role: Role) -> None:
    assert has_capability(person(role), "launch_rockets") is False  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(Role))
def test_it_gives_an_inactive_user_nothing(role: Role) -> None:
    assert capabilities_of(person(role, active=False)) == frozenset()


def test_it_gives_an_anonymous_visitor_nothing() -> None:
    assert capabilities_of(AnonymousUser()) == frozenset()


def test_it_denies_a_role_it_does_not_know() -> None:
    stranger = User(email="x@example.test", role="janitor", is_active=True)
    assert capabilities_of(stranger) == frozenset()


def test_every_capability_is_granted_to_someone() -> None:
    assert set(GRANTS) == set(Capability)


@require(C.CLINICAL_VIEW)
def clinical_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("chart")


def call(view: Any, user: Any) -> HttpResponse:
    request = RequestFactory().get("/clinician/chart/?tab=vitals")
    request.user = user
    return view(request)


def test_require_sends_an_anonymous_visitor_to_log_in_and_back() -> None:
    response = call(clinical_page, AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "clinician/chart/" in response["Location"]


@pytest.mark.parametrize("role", [Role.PATIENT, Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_require_refuses_a_role_without_the_capability(role: Role) -> None:
    with pytest.raises(PermissionDenied):
        call(clinical_page, person(role))


def test_require_lets_the_capability_holder_through() -> None:
    assert call(clinical_page, person(Role.CLINICIAN)).content == b"chart"


def test_require_refuses_an_inactive_clinician() -> None:
    with pytest.raises(PermissionDenied):
        call(clinical_page, person(Role.CLINICIAN, active=False))


# Object access: guessed ids.


@pytest.fixture
def alert_of_a(patient: User) -> StaffAlert:
    return StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING,
        patient=patient,
        title="Screening needs review",
        dedupe_key="perm-test:a",
    )


def test_a_patient_fetches_their_own_object(patient: User, alert_of_a: StaffAlert) -> None:
    got = access_patient_object(patient, StaffAlert.objects.all(), pk=alert_of_a.pk)
    assert got == alert_of_a


def test_another_patient_guessing_the_id_gets_404(
    other_patient: User, alert_of_a: StaffAlert
) -> None:
    with pytest.raises(Http404):
        access_patient_object(other_patient, StaffAlert.objects.all(), pk=alert_of_a.pk)


def test_a_patient_guessing_ids_around_theirs_learns_nothing(
    patient: User, other_patient: User
) -> None:
    # Probe a range of ids: each existing one of A's, and ids that do not exist, look alike.
    mine = PatientProfile.objects.get(user=other_patient)
    theirs = PatientProfile.objects.get(user=patient)
    for guess in {theirs.pk, theirs.pk + 1, theirs.pk + 1000, mine.pk - 1}:
        if guess == mine.pk:
            continue
        with pytest.raises(Http404):
            access_patient_object(
                other_patient, PatientProfile.objects.all(), patient_field="user", pk=guess
            )


def test_staff_with_the_capability_fetch_any_patients_object(
    clinician: User, alert_of_a: StaffAlert
) -> None:
    got = access_patient_object(
        clinician, StaffAlert.objects.all(), staff_capability=C.CLINICAL_VIEW, pk=alert_of_a.pk
    )
    assert got == alert_of_a


def test_staff_without_the_capability_get_403(front_desk: User, alert_of_a: StaffAlert) -> None:
    with pytest.raises(PermissionDenied):
        access_patient_object(
            front_desk, StaffAlert.objects.all(), staff_capability=C.CLINICAL_VIEW, pk=alert_of_a.pk
        )


def test_staff_get_403_when_the_view_names_no_capability(
    clinician: User, alert_of_a: StaffAlert
) -> None:
    with pytest.raises(PermissionDenied):
        access_patient_object(clinician, StaffAlert.objects.all(), pk=alert_of_a.pk)


def test_staff_with_the_capability_get_404_for_an_id_that_does_not_exist(
    clinician: User, db: None
) -> None:
    with pytest.raises(Http404):
        access_patient_object(
            clinician, StaffAlert.objects.all(), staff_capability=C.CLINICAL_VIEW, pk=987654
        )


def test_an_inactive_patient_gets_nothing_even_of_their_own(
    patient: User, alert_of_a: StaffAlert
) -> None:
    patient.is_active = False
    with pytest.raises(PermissionDenied):
        access_patient_object(patient, StaffAlert.objects.all(), pk=alert_of_a.pk)


def test_anonymous_gets_nothing(alert_of_a: StaffAlert) -> None:
    with pytest.raises(PermissionDenied):
        access_patient_object(AnonymousUser(), StaffAlert.objects.all(), pk=alert_of_a.pk)


def test_patient_objects_lists_only_the_patients_own_rows(
    patient: User, other_patient: User, clinician: User
) -> None:
    profiles = PatientProfile.objects.all()
    assert list(patient_objects(patient, profiles, patient_field="user")) == [
        patient.patient_profile
    ]
    assert list(patient_objects(clinician, profiles, patient_field="user")) == []
    assert list(patient_objects(AnonymousUser(), profiles, patient_field="user")) == []
