"""Reads of the portal's own data that pages need."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import Role, User, display_name_from, profile_is_complete
from portal.sql import PreparedQuery


@dataclass(frozen=True)
class HomeProfile:
    """What the patient's home shows of their profile, as plain values."""

    display_name: str
    legal_name: str
    preferred_name: str
    phone: str
    emergency_contact_name: str
    preferred_location: str  # the location's name; "" for no preference
    is_complete: bool


# The home is the page patients open most: its profile card is one prepared read (see
# portal/sql.py) instead of an ORM get_or_create, whose SQL took longer to build than to run.
_HOME_PROFILE = PreparedQuery(
    "portal_home_profile",
    """
SELECT p.legal_name, p.preferred_name, p.date_of_birth, p.phone,
       p.emergency_contact_name, p.emergency_contact_phone, COALESCE(l.name, '')
FROM portal_patientprofile p
LEFT JOIN portal_location l ON l.id = p.preferred_location_id
WHERE p.user_id = %(user)s
""",
)


def home_profile(*, user: User) -> HomeProfile | None:
    """The patient's profile card; None when they have no profile row yet."""
    rows = _HOME_PROFILE.fetchall({"user": user.pk})
    if not rows:
        return None
    legal, preferred, born, phone, contact, contact_phone, location = rows[0]
    return HomeProfile(
        display_name=display_name_from(
            role=Role.PATIENT, email=user.email, full_name="", profile_names=(preferred, legal)
        ),
        legal_name=legal,
        preferred_name=preferred,
        phone=phone,
        emergency_contact_name=contact,
        preferred_location=location,
        is_complete=profile_is_complete(
            legal_name=legal,
            date_of_birth=born,
            phone=phone,
            emergency_contact_name=contact,
            emergency_contact_phone=contact_phone,
        ),
    )
