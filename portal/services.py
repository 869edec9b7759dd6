"""Writes about people: patient profiles and staff accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import (
    STAFF_ROLES,
    Language,
    Location,
    PatientProfile,
    Role,
    StaffInvitation,
    User,
)
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel
from portal.notifications.services import notification_schedule, portal_link


def patient_profile_ensure(*, user: User) -> PatientProfile:
    # Pages show the preferred location's name: fetched with the profile, not after it.
    profile, _ = PatientProfile.objects.select_related("preferred_location").get_or_create(
        user=user
    )
    return profile


def patient_language_set(*, user: User, language: str) -> PatientProfile:
    """The language the patient reads the portal and their messages in."""
    if language not in Language.values:
        raise ValidationError({"language": "Choose a language from the list."})
    profile = patient_profile_ensure(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language", "updated_at"])
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
    language: str | None = None,
) -> PatientProfile:
    profile = PatientProfile.objects.select_for_update().get_or_create(user=user)[0]
    if language is not None:
        profile.language = language
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


# --- Staff invitations ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def staff_invite(*, user: User, invited_by: User | None) -> StaffInvitation:
    """Start (or restart) a staff account: no usable password, and an emailed link that
    works once, for PORTAL_INVITATION_HOURS, to set the password and the authenticator
    together. Earlier links of the account stop working. The email says only that they
    are invited, and the link (templates/notifications/staff_invitation/)."""
    if user.role not in STAFF_ROLES:
        raise ValidationError("Only staff accounts are invited; patients sign up themselves.")
    now = timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password", "updated_at"])
    StaffInvitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now, updated_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=now + dt.timedelta(hours=settings.PORTAL_INVITATION_HOURS),
        invited_by=invited_by,
    )
    notification_schedule(
        recipient=user,
        kind=Kind.STAFF_INVITATION,
        send_at=now,
        idempotency_key=f"staff-invitation:{invitation.pk}",
        context={"url": portal_link(reverse("portal:invitation-accept", args=[token]))},
        topic=f"staff-invitation:{user.pk}",
        channel=Channel.EMAIL,
    )
    return invitation


def staff_invitation_for(token: str) -> StaffInvitation | None:
    """The invitation a link's token names, open or not (None: no such link)."""
    return (
        StaffInvitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    )


INVITATION_REFUSED = (
    "This invitation link has already been used or has expired. "
    "Ask the clinic's administrator to send you a new one."
)


@transaction.atomic
def staff_invitation_accept(*, token: str, password: str, totp_secret: str, totp_code: str) -> User:
    """Set the invitee's password and enrol their authenticator, together, once: an
    unknown, used or expired link, a weak password or a wrong code changes nothing."""
    found = staff_invitation_for(token)
    invitation = (
        StaffInvitation.objects.select_for_update().select_related("user").get(pk=found.pk)
        if found is not None
        else None
    )
    now = timezone.now()
    if invitation is None or not invitation.is_open(now) or not invitation.user.is_active:
        raise ValidationError(INVITATION_REFUSED)
    user = invitation.user
    validate_password(password, user)
    if not totp_secret or not validate_totp_code(totp_secret, totp_code.strip()):
        raise ValidationError(
            {"code": "That code does not match. Enter the 6 digits your app shows now."}
        )
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, totp_secret)
    # The link reached the inbox: the address is verified.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at", "updated_at"])
    return user
