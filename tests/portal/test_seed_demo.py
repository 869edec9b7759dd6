"""`manage.py seed_demo`: the demo's people, logins printed, and a second run changes nothing."""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from portal.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE
from portal.models import Location, Role, User


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    # Every table of every app, so a seeder of any app that is not idempotent shows up.
    # (A model whose migration is not written yet has no table to count.)
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def test_it_creates_one_person_per_role_who_can_log_in(db: None) -> None:
    seed()
    for email, role, _name, _kind, _credential in DEMO_PEOPLE:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert user.emailaddress_set.get().verified
    assert {role for _e, role, _n, _k, _c in DEMO_PEOPLE} == set(Role)
    kinds = set(User.objects.filter(role=Role.CLINICIAN).values_list("clinician_kind", flat=True))
    assert kinds == {"prescriber", "nurse", "therapist"}


def test_the_demo_patient_has_a_complete_profile(db: None) -> None:
    seed()
    patient = User.objects.get(email="patient@demo.clinic")
    assert patient.patient_profile.is_complete


def test_the_three_clinic_locations_exist(db: None) -> None:
    seed()
    assert set(Location.objects.values_list("name", flat=True)) >= {
        "Sacramento",
        "Folsom",
        "Roseville",
    }


def test_it_prints_the_logins(db: None) -> None:
    out = seed()
    assert DEMO_PASSWORD in out
    for email, _role, _name, _kind, _credential in DEMO_PEOPLE:
        assert email in out
    assert "PORTAL_REQUIRE_STAFF_MFA=false" in out


def test_a_second_run_changes_nothing(db: None) -> None:
    seed()
    first = row_counts()
    passwords = dict(User.objects.values_list("email", "password"))
    out = seed()
    assert row_counts() == first
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert DEMO_PASSWORD in out
