"""Demo data for `make run`: one person per role, then each app's demo data (registered
through portal.extensions). The three locations come from a migration. Safe to run
again: the second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.extensions import demo_seeders
from portal.models import ClinicianKind, Credential, Location, Role, User
from portal.services import patient_profile_update, user_create_verified

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed on purpose; demo machines only.

# One of each role, and one clinician of each kind (email, role, name, kind, credential).
DEMO_PEOPLE: list[tuple[str, Role, str, str, str]] = [
    ("patient@demo.clinic", Role.PATIENT, "Dana Rivera", "", ""),
    ("frontdesk@demo.clinic", Role.FRONT_DESK, "Frankie Desk", "", ""),
    (
        "clinician@demo.clinic",
        Role.CLINICIAN,
        "Dr. Casey Morgan",
        ClinicianKind.PRESCRIBER,
        Credential.MD,
    ),
    ("nurse@demo.clinic", Role.CLINICIAN, "Nico Alvarez, RN", ClinicianKind.NURSE, Credential.RN),
    (
        "therapist@demo.clinic",
        Role.CLINICIAN,
        "Tara Singh, LMFT",
        ClinicianKind.THERAPIST,
        Credential.LMFT,
    ),
    ("admin@demo.clinic", Role.CLINIC_ADMIN, "Alex Admin", "", ""),
]


def seed_people() -> None:
    for email, role, full_name, kind, credential in DEMO_PEOPLE:
        if User.objects.filter(email=email).exists():
            continue
        user = user_create_verified(
            email=email,
            password=DEMO_PASSWORD,
            role=role,
            full_name=full_name,
            clinician_kind=kind,
            credential=credential,
        )
        if role == Role.PATIENT:
            patient_profile_update(
                user=user,
                legal_name="Dana Rivera",
                preferred_name="Dana",
                date_of_birth=dt.date(1988, 4, 12),
                phone="(916) 555-0188",
                emergency_contact_name="Sam Rivera",
                emergency_contact_phone="(916) 555-0189",
                preferred_location=Location.objects.get(slug="folsom"),
            )


class Command(BaseCommand):
    help = "Create demo locations, people and data. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            seed_people()
            for seeder in demo_seeders():
                seeder.seed()
                self.stdout.write(f"  seeded: {seeder.name}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for email, role, full_name, kind, _credential in DEMO_PEOPLE:
            label = f"{role.label} ({kind})" if kind else role.label
            self.stdout.write(f"  {label:<24} {email:<24} {full_name}")
        self.stdout.write(
            "  Staff MFA is OFF in the demo (PORTAL_REQUIRE_STAFF_MFA=false); "
            "production requires it."
        )
