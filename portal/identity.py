"""A patient as staff see them: legal name (preferred name beside it), date of birth and
age, and chart number, so that two patients who share a first name are never confused.

Pages print it with `{% load identity %}{% staff_patient row.patient %}` (the template
is templates/portal/_patient_identity.html). Patients never see this: their own pages
keep their preferred name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class PatientIdentity:
    user_id: int
    legal_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    age: int | None
    chart_number: str
    email: str

    @property
    def name(self) -> str:
        """The legal name, else the preferred one, else the login (never blank)."""
        return self.legal_name or self.preferred_name or self.email

    @property
    def shows_preferred(self) -> bool:
        return bool(self.preferred_name) and self.preferred_name != self.name


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def identity_of(person: Any, *, today: dt.date | None = None) -> PatientIdentity | None:
    """The identity of a patient given as a User (with `patient_profile` selected), a
    PatientProfile (with `user` selected) or a PatientIdentity; None for nobody."""
    if person is None or person == "":
        return None
    if isinstance(person, PatientIdentity):
        return person
    today = today or timezone.localdate()
    if hasattr(person, "chart_number"):  # a profile
        profile, user = person, person.user
    else:
        user = person
        profile = getattr(user, "patient_profile", None) if hasattr(user, "role") else None
    if profile is None:
        return PatientIdentity(
            user_id=user.pk,
            legal_name=getattr(user, "full_name", "") or "",
            preferred_name="",
            date_of_birth=None,
            age=None,
            chart_number="",
            email=getattr(user, "email", ""),
        )
    return PatientIdentity(
        user_id=user.pk,
        legal_name=profile.legal_name,
        preferred_name=profile.preferred_name,
        date_of_birth=profile.date_of_birth,
        age=age_on(profile.date_of_birth, today),
        chart_number=profile.chart_number or "",
        email=user.email,
    )
