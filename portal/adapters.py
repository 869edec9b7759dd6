"""allauth hooks: whoever signs up is a patient; staff accounts come from the admin.

Sign-up answers in the same time whether or not the address already has an account: in
both cases the password is hashed (the costly part of making an account) and one email
is written to the outbox (portal.notifications), which a worker sends, so neither path
waits for a mail server. (Being a patient of a ketamine clinic is itself sensitive.)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils import timezone

from portal.i18n import requested_language
from portal.models import STAFF_ROLES, Role, User
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel
from portal.notifications.services import notification_schedule
from portal.services import patient_language_set

# allauth's emails that go through the outbox: the kind, and the link it carries.
OUTBOX_MAILS: dict[str, tuple[Kind, str]] = {
    "account/email/email_confirmation_signup": (Kind.ACCOUNT_CONFIRM_EMAIL, "activate_url"),
    "account/email/email_confirmation": (Kind.ACCOUNT_CONFIRM_EMAIL, "activate_url"),
    "account/email/account_already_exists": (Kind.ACCOUNT_ALREADY_EXISTS, "password_reset_url"),
}


@dataclass(frozen=True)
class PortalSite:
    """What account emails call the site: the clinic's name and the portal's real domain
    (settings), never the host a request happened to use ("127.0.0.1:8101")."""

    name: str
    domain: str
    url: str


def portal_site() -> PortalSite:
    base = settings.PORTAL_BASE_URL
    return PortalSite(name=settings.PORTAL_CLINIC_NAME, domain=urlsplit(base).netloc, url=base)


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The "key" of the login_failed rate limit: the account *and* the client's
        address. Keyed on the account alone, five wrong passwords from anywhere refused
        the right password from the user's own device; the per-address part of the
        limit ("10/m/ip") still stops one address spraying many accounts."""
        account_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{self.get_client_ip(request)}:{account_key}"

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user.role = Role.PATIENT
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # The language chosen before sign-up (or the browser's) is the profile's; this
            # makes the profile too.
            patient_language_set(user=user, language=requested_language(request))
        return user

    def send_account_already_exists_mail(self, email: str) -> None:
        """A sign-up with a taken address: hash the typed password as a new account's
        would be hashed (then forget it), so the answer takes as long as a new
        account's; the owner is told by email, never on the page."""
        request = allauth_context.request
        typed = request.POST.get("password1", "") if request is not None else ""
        make_password(typed or secrets.token_urlsafe(16))
        super().send_account_already_exists_mail(email)

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        """A staff account without a usable password is waiting for (or lost) its
        invitation: a reset link would set a password without the authenticator, and
        outlive the invitation's expiry. Their way in is a new invitation; the page
        answers as for everyone else."""
        if user.role in STAFF_ROLES and not user.has_usable_password():
            return
        super().send_password_reset_mail(user, email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Sign-up mails go through the outbox (the same work for a known and a new
        address); the rest name the clinic and its real domain (`portal_site`)."""
        route = OUTBOX_MAILS.get(template_prefix)
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        if route is None or user is None or user.email.lower() != email.lower():
            super().send_mail(template_prefix, email, {**context, "current_site": portal_site()})
            return
        kind, link = route
        notification_schedule(
            recipient=user,
            kind=kind,
            send_at=timezone.now(),
            idempotency_key=f"account:{kind.value}:{user.pk}:{secrets.token_hex(8)}",
            context={"url": context[link]},
            channel=Channel.EMAIL,
        )
