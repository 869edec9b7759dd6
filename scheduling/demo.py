"""Demo data for `make run`: rooms and chairs at each location, the demo clinicians'
hours, and a pending request from the demo patient. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.models import Location, Role, User
from scheduling.billing_models import ClinicianBillingProfile
from scheduling.models import (
    AppointmentRequest,
    ClinicianHours,
    ContactPreference,
    DayPart,
    PayerKind,
    Room,
    RoomKind,
    Service,
    ServiceKind,
)

ROOMS = [
    ("Chair 1", RoomKind.INFUSION_CHAIR),
    ("Chair 2", RoomKind.INFUSION_CHAIR),
    ("Chair 3", RoomKind.INFUSION_CHAIR),
    ("Spravato monitoring room", RoomKind.SPRAVATO_ROOM),
    ("Therapy room A", RoomKind.THERAPY_ROOM),
    ("Therapy room B", RoomKind.THERAPY_ROOM),
]

# email -> list of (weekday, location slug or None for telehealth, starts, ends)
HOURS = {
    "clinician@demo.clinic": [(d, "folsom", 8, 17) for d in (0, 2, 4)]
    + [(d, "sacramento", 8, 17) for d in (1, 3)],
    "nurse@demo.clinic": [(d, "folsom", 7, 18) for d in range(5)]
    + [(d, "roseville", 8, 14) for d in (5,)],
    "therapist@demo.clinic": [(d, None, 9, 19) for d in range(6)],
}


def seed() -> None:
    _seed_billing_profiles()
    for location in Location.objects.filter(is_active=True):
        for name, kind in ROOMS:
            Room.objects.get_or_create(location=location, name=name, defaults={"kind": kind})
    for email, blocks in HOURS.items():
        clinician = User.objects.filter(email=email, role=Role.CLINICIAN).first()
        if clinician is None or ClinicianHours.objects.filter(clinician=clinician).exists():
            continue
        for weekday, slug, starts, ends in blocks:
            ClinicianHours.objects.create(
                clinician=clinician,
                location=Location.objects.get(slug=slug) if slug else None,
                weekday=weekday,
                starts=dt.time(starts),
                ends=dt.time(ends),
            )
    patient = User.objects.filter(email="patient@demo.clinic", role=Role.PATIENT).first()
    if patient is not None and not AppointmentRequest.objects.filter(patient=patient).exists():
        today = timezone.localdate()
        AppointmentRequest.objects.create(
            patient=patient,
            service=Service.objects.get(kind=ServiceKind.CONSULTATION),
            preferred_location=Location.objects.get(slug="folsom"),
            preferred_date_1=today + dt.timedelta(days=3),
            preferred_time_1=DayPart.MORNING,
            preferred_date_2=today + dt.timedelta(days=5),
            preferred_time_2=DayPart.ANY,
            contact_preference=ContactPreference.EMAIL,
            payer_kind=PayerKind.SELF_PAY,
            note="First visit; mornings are easiest.",
        )


# What superbills print for the demo clinicians (sample NPIs that pass the check digit).
BILLING_PROFILES = {
    "clinician@demo.clinic": ("1679576722", "MD"),
    "nurse@demo.clinic": ("1245319599", "RN"),
    "therapist@demo.clinic": ("1376609297", "LMFT"),
}


def _seed_billing_profiles() -> None:
    for email, (npi, credentials) in BILLING_PROFILES.items():
        clinician = User.objects.filter(email=email, role=Role.CLINICIAN).first()
        if clinician is not None:
            ClinicianBillingProfile.objects.get_or_create(
                clinician=clinician, defaults={"npi": npi, "credentials": credentials}
            )
