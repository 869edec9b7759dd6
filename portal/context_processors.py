"""What every page's layout needs: clinic details, the user's navigation, the crisis line."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from portal.extensions import nav_items
from portal.permissions import Capability, capabilities_of


def _navigation(request: HttpRequest) -> list[dict[str, Any]]:
    held = capabilities_of(request.user)
    items = []
    for item in nav_items():
        if item.capability not in held:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": request.path == url})
    return items


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_patient_or_visitor = user is None or not user.is_authenticated or user.role == "patient"
    return {
        "clinic_name": settings.PORTAL_CLINIC_NAME,
        "clinic_phone": settings.PORTAL_CLINIC_PHONE,
        "show_crisis_footer": is_patient_or_visitor,
        "nav_items": SimpleLazyObject(lambda: _navigation(request)),
        "can": SimpleLazyObject(lambda: {c.value: True for c in capabilities_of(user)}),
        "Capability": Capability,
    }
