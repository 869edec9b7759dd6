"""Reads of the portal's own data that pages need."""

from __future__ import annotations

from portal.models import PatientProfile, User


def home_profile(*, user: User) -> PatientProfile | None:
    """The patient's profile card (with their login and preferred location, for its name
    and place); None when they have no profile row yet. One query."""
    return (
        PatientProfile.objects.select_related("user", "preferred_location")
        .filter(user=user)
        .first()
    )
