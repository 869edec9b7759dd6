"""The Django admin is not a side door: clinical records are read-only there for
everyone, shown to no one who could not read them in the portal, and every view of one
is audited; daily accounts are never superusers; the clinic admin cannot raise anyone's
rights, their own included. (Every admin URL of a clinical model for every actor:
tests/access/admin_routes.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from intake.models import Intake, IntakeDecision
from portal.admin import ClinicalRecordAdmin
from portal.audit import AuditEvent
from portal.models import Role, User
from portal.notifications.models import StaffAlert
from portal.permissions import ADMIN_CLINIC_ADMIN_ACTIONS, ADMIN_CLINICAL_RECORDS, admin_may
from tests.conftest import enrol_totp
from tests.factories import ClinicianFactory, PatientFactory
from tests.intake.factories import approve_patient, submitted_intake

pytestmark = pytest.mark.django_db

# Managed by a superuser only (roles decide rights, not Django's groups).
SUPERUSER_ONLY = {"auth.group"}


def test_every_model_in_the_admin_is_classified_and_clinical_ones_are_read_only() -> None:
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in ADMIN_CLINICAL_RECORDS:
            assert isinstance(model_admin, ClinicalRecordAdmin), label
        else:
            assert label in ADMIN_CLINIC_ADMIN_ACTIONS or label in SUPERUSER_ONLY, (
                f"{label} is in the admin but portal/permissions.py does not say who may use it"
            )


def test_every_model_of_the_clinical_apps_is_clinical_or_clinic_data() -> None:
    from django.apps import apps

    for app_label in ("intake", "treatments", "integration"):
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            is_settings = label.endswith("settings")
            assert (
                label in ADMIN_CLINICAL_RECORDS
                or is_settings
                or label in ADMIN_CLINIC_ADMIN_ACTIONS
            ), label


@pytest.fixture
def superuser(db: None) -> User:
    """A break-glass account (docs/operations.md): a superuser, as createsuperuser makes."""
    user = User.objects.create_superuser(email="glass@example.test", password="x" * 12)
    enrol_totp(user)
    return user


@pytest.fixture
def staff_prescriber(db: None) -> User:
    """A prescriber who was also given the admin: may read clinical data in the portal."""
    user = ClinicianFactory(email="doc.admin@example.test", is_staff=True)
    enrol_totp(user)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["clinic_admin", "superuser", "staff_prescriber"])
def test_no_one_can_approve_an_intake_or_untick_urgent_in_the_admin(
    who: str, request: pytest.FixtureRequest, patient: User
) -> None:
    user = request.getfixturevalue(who)
    intake = submitted_intake(patient)
    Intake.objects.filter(pk=intake.pk).update(urgent=True, urgent_at=intake.submitted_at)
    before = Intake.objects.values().get(pk=intake.pk)
    response = _client(user).post(
        f"/admin/intake/intake/{intake.pk}/change/",
        {"status": "approved", "approved_modalities": "iv", "urgent": "", "patient": patient.pk},
    )
    assert response.status_code == 403
    assert Intake.objects.values().get(pk=intake.pk) == before


@pytest.mark.parametrize("who", ["clinic_admin", "superuser", "staff_prescriber"])
def test_no_one_can_add_an_approved_intake_edit_a_decision_or_delete_an_alert(
    who: str, request: pytest.FixtureRequest, patient: User, clinician: User
) -> None:
    user = request.getfixturevalue(who)
    client = _client(user)
    newcomer = PatientFactory()
    response = client.post(
        "/admin/intake/intake/add/",
        {"patient": newcomer.pk, "status": "approved", "approved_modalities": "iv"},
    )
    assert response.status_code == 403
    assert not Intake.objects.filter(patient=newcomer).exists()

    approve_patient(patient, clinician=clinician)
    decision = IntakeDecision.objects.get(patient=patient)
    response = client.post(
        f"/admin/intake/intakedecision/{decision.pk}/change/",
        {"note": "Rewritten", "outcome": "approved", "clinician": clinician.pk},
    )
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.note == "Approved in test set-up."

    alert = StaffAlert.objects.create(
        kind=StaffAlert.Kind.URGENT_SCREENING, patient=patient, title="t", dedupe_key="k"
    )
    assert (
        client.post(
            f"/admin/notifications/staffalert/{alert.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    bulk = client.post(
        "/admin/notifications/staffalert/",
        {"action": "delete_selected", "_selected_action": [alert.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302, 403}
    assert StaffAlert.objects.filter(pk=alert.pk).exists()


@pytest.mark.parametrize("who", ["clinic_admin", "superuser"])
def test_the_clinic_admin_and_break_glass_see_no_clinical_record_in_the_admin(
    who: str, request: pytest.FixtureRequest, patient: User
) -> None:
    user = request.getfixturevalue(who)
    intake = submitted_intake(patient)
    client = _client(user)
    index = client.get("/admin/").content.decode()
    assert "/admin/intake/intake/" not in index
    assert "/admin/notifications/staffalert/" not in index
    assert "/admin/intake/screeningsettings/" in index  # clinic data stays theirs
    for url in (
        "/admin/intake/intake/",
        f"/admin/intake/intake/{intake.pk}/change/",
        f"/admin/intake/intake/{intake.pk}/history/",
    ):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(patient=patient).exists()


def test_a_prescriber_with_the_admin_reads_a_record_read_only_and_each_view_is_audited(
    staff_prescriber: User, patient: User, other_patient: User
) -> None:
    intake = submitted_intake(patient)
    submitted_intake(other_patient)
    client = _client(staff_prescriber)

    page = client.get(f"/admin/intake/intake/{intake.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content  # read-only: no form field to change
    row = AuditEvent.objects.get(action="admin.intake.view")
    assert (row.actor, row.patient, row.object_id) == (staff_prescriber, patient, str(intake.pk))

    listing = client.get("/admin/intake/intake/")
    assert listing.status_code == 200
    listed = AuditEvent.objects.filter(action="admin.intake.list")
    assert {event.patient for event in listed} == {patient, other_patient}
    assert {event.actor for event in listed} == {staff_prescriber}

    assert client.get(f"/admin/intake/intake/{intake.pk}/history/").status_code == 200
    assert AuditEvent.objects.filter(action="admin.intake.history", patient=patient).count() == 1


def test_seed_demo_makes_no_daily_account_a_superuser() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = User.objects.filter(email__endswith="@demo.clinic")
    assert demo.filter(role=Role.CLINICIAN).count() == 3
    assert not demo.filter(is_superuser=True).exists()
    admin_user = demo.get(role=Role.CLINIC_ADMIN)
    assert admin_user.is_staff
    assert admin_may(admin_user, "scheduling.service", "change")
    assert not admin_may(admin_user, "intake.intake", "view")


def test_the_clinic_admin_cannot_make_anyone_a_superuser_or_change_their_own_role(
    clinic_admin: User, front_desk: User
) -> None:
    client = _client(clinic_admin)
    page = client.get(f"/admin/portal/user/{front_desk.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    data: dict[str, Any] = {
        "email": clinic_admin.email,
        "full_name": "Me",
        "role": Role.CLINICIAN,
        "clinician_kind": "prescriber",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
    }
    client.post(f"/admin/portal/user/{clinic_admin.pk}/change/", data)
    clinic_admin.refresh_from_db()
    assert clinic_admin.role == Role.CLINIC_ADMIN
    assert not clinic_admin.is_superuser


def test_the_clinic_admin_cannot_change_a_patients_email(clinic_admin: User, patient: User) -> None:
    client = _client(clinic_admin)
    response = client.post(
        f"/admin/portal/user/{patient.pk}/change/",
        {"email": "mine@example.test", "role": Role.PATIENT, "is_active": "on"},
    )
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.email != "mine@example.test"


def test_the_admin_never_shows_an_authenticators_secret(
    clinic_admin: User, front_desk: User
) -> None:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=front_desk, type=Authenticator.Type.TOTP)
    page = _client(clinic_admin).get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200
    assert authenticator.data["secret"] not in page.content.decode()
