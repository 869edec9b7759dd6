"""allauth hooks: whoever signs up is a patient; staff accounts come from the admin."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from portal.models import Role
from portal.services import patient_profile_ensure


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
            patient_profile_ensure(user=user)
        return user
