"""allauth hooks: whoever signs up is a patient; staff accounts come from the admin."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from portal.models import Role
from portal.services import patient_profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user.role = Role.PATIENT
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            patient_profile_ensure(user=user)
        return user
