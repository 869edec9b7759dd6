"""Writes about people: patient profiles and staff accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from portal.models import Location, PatientProfile, Role, User


def patient_profile_ensure(*, user: User) -> PatientProfile:
    # Pages show the preferred location's name: fetched with the profile, not after it.
    profile, _ = PatientProfile.objects.select_related("preferred_location").get_or_create(
        user=user
    )
    return profile


@transaction.atomic
def patient_profile_update(
    *,
    user: User,
    legal_name: str,
    preferred_name: str,
    date_of_birth: dt.date | None,
    phone: str,
    emergency_contact_name: str,
    emergency_contact_phone: str,
    preferred_location: Location | None,
) -> PatientProfile:
    profile = PatientProfile.objects.select_for_update().get_or_create(user=user)[0]
    profile.legal_name = legal_name
    profile.preferred_name = preferred_name
    profile.date_of_birth = date_of_birth
    profile.phone = phone
    profile.emergency_contact_name = emergency_contact_name
    profile.emergency_contact_phone = emergency_contact_phone
    profile.preferred_location = preferred_location
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def user_create_verified(
    *, email: str, password: str, role: Role, full_name: str = "", **extra: Any
) -> User:
    """An account whose email needs no verification link (staff made by an admin, demo)."""
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        full_name=full_name,
        is_staff=(role == Role.CLINIC_ADMIN),
        **extra,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if role == Role.PATIENT:
        patient_profile_ensure(user=user)
    return user
