"""Staff accounts start from an emailed, expiring, single-use invitation that sets the
password and the authenticator together: the clinic admin never chooses a password, and
no one can sign in (or enrol the second factor) before the invitee has done both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Role, StaffInvitation, User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from portal.services import staff_invite

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-orchard-velvet-42"


def code_for(secret: str) -> str:
    counter = int(timezone.now().timestamp()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def invite_through_the_admin(clinic_admin: User, **fields: str) -> tuple[User, str]:
    client = Client()
    client.force_login(clinic_admin)
    data = {
        "email": "new.nurse@example.test",
        "full_name": "Nell Nurse",
        "role": Role.CLINICIAN,
        "clinician_kind": "nurse",
        "credential": "RN",
        **fields,
    }
    response = client.post("/admin/portal/user/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email=data["email"])
    notification = Notification.objects.get(recipient=user, kind=Kind.STAFF_INVITATION)
    return user, notification.context["url"]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_admin_creates_a_staff_account_without_a_password_and_an_invitation_goes_out(
    clinic_admin: User,
) -> None:
    page = Client()
    page.force_login(clinic_admin)
    form = page.get("/admin/portal/user/add/").content.decode()
    assert 'name="password1"' not in form
    user, url = invite_through_the_admin(clinic_admin)
    assert not user.has_usable_password()
    assert user.role == Role.CLINICIAN
    assert not user.is_superuser
    invitation = StaffInvitation.objects.get(user=user)
    assert invitation.invited_by == clinic_admin
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - dt.timedelta(hours=72)) < dt.timedelta(seconds=5)
    token = path_of(url).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only its hash is kept
    # Nobody signs in before the invitee has set the password and the authenticator.
    assert not Client().login(email=user.email, password="")
    message = render_message(Kind.STAFF_INVITATION, {"url": url})
    assert "invited" in message.text
    assert url in message.text
    for word in ("nurse", "RN", "clinician", "password is", "patient"):
        assert word not in message.text + message.subject


def test_the_invitee_sets_password_and_authenticator_on_one_page_then_signs_in(
    clinic_admin: User,
) -> None:
    user, url = invite_through_the_admin(clinic_admin)
    client = Client()
    page = client.get(path_of(url))
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    secret = page.context["secret"]
    response = client.post(
        path_of(url),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "code": code_for(secret)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert totp.wrap().instance.data["secret"] == secret
    assert StaffInvitation.objects.get(user=user).used_at is not None
    assert user.emailaddress_set.get().verified

    # Used once: the link is refused, clearly, and nothing changes.
    again = Client().get(path_of(url))
    assert again.status_code == 410
    assert "already been used or has expired" in again.content.decode()
    refused = Client().post(
        path_of(url), {"password1": "x" * 12, "password2": "x" * 12, "code": "000000"}
    )
    assert refused.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "code", "error"),
    [
        (NEW_PASSWORD, "000000", "That code does not match"),
        ("password12", None, "too common"),
        ("short", None, "too short"),
    ],
)
def test_a_wrong_code_or_weak_password_changes_nothing_and_keeps_the_qr_code(
    clinic_admin: User, password: str, code: str | None, error: str
) -> None:
    user, url = invite_through_the_admin(clinic_admin)
    client = Client()
    secret = client.get(path_of(url)).context["secret"]
    response = client.post(
        path_of(url),
        {"password1": password, "password2": password, "code": code or code_for(secret)},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["secret"] == secret
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not Authenticator.objects.filter(user=user).exists()
    assert StaffInvitation.objects.get(user=user).used_at is None


def test_an_expired_link_is_refused_clearly(clinic_admin: User) -> None:
    _user, url = invite_through_the_admin(clinic_admin)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=72, minutes=1)):
        response = Client().get(path_of(url))
    assert response.status_code == 410
    assert "Ask the clinic" in response.content.decode()


def test_an_unknown_link_is_refused_clearly(db: None) -> None:
    response = Client().get(reverse("portal:invitation-accept", args=["not-a-token"]))
    assert response.status_code == 410


def test_a_new_invitation_ends_the_earlier_link_and_the_old_password(
    clinic_admin: User, front_desk: User
) -> None:
    first = staff_invite(user=front_desk, invited_by=clinic_admin)
    front_desk.refresh_from_db()
    assert not front_desk.has_usable_password()
    second = staff_invite(user=front_desk, invited_by=clinic_admin)
    first.refresh_from_db()
    now = timezone.now()
    assert not first.is_open(now)
    assert second.is_open(now)


def test_patients_are_never_invited(clinic_admin: User, patient: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        staff_invite(user=patient, invited_by=clinic_admin)
    assert not StaffInvitation.objects.exists()


def test_the_admin_never_shows_an_invitations_link(clinic_admin: User) -> None:
    user, url = invite_through_the_admin(clinic_admin)
    notification = Notification.objects.get(recipient=user, kind=Kind.STAFF_INVITATION)
    client = Client()
    client.force_login(clinic_admin)
    page = client.get(f"/admin/notifications/notification/{notification.pk}/change/")
    assert page.status_code == 200
    assert path_of(url) not in page.content.decode()


def test_an_invited_staff_member_gets_no_password_reset_link(clinic_admin: User) -> None:
    from django.core import mail

    user, _url = invite_through_the_admin(clinic_admin)
    response = Client().post("/accounts/password/reset/", {"email": user.email}, follow=True)
    assert response.status_code == 200
    assert not [m for m in mail.outbox if user.email in m.to]
    assert (
        not Notification.objects.filter(recipient=user).exclude(kind=Kind.STAFF_INVITATION).exists()
    )
