"""allauth hooks: whoever signs up is a patient; staff accounts come from the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from portal.models import Role
from portal.services import patient_profile_ensure


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
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": portal_site()})

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
            patient_profile_ensure(user=user)
        return user
