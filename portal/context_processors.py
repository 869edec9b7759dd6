"""What every page's layout needs: clinic details, the user's navigation, the crisis line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from portal.extensions import nav_items
from portal.permissions import Capability, capabilities_of


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def navigation(request: HttpRequest) -> list[NavLink]:
    """The links the user's capabilities open, in order; the one for this page marked."""
    held = capabilities_of(request.user)
    links = []
    for item in nav_items():
        if item.capability not in held:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app switched off: its link goes with it
            continue
        # Labels are registered by each app in English; the patient reads them in their
        # language (portal's catalog holds the patient links' Spanish).
        label = gettext(str(item.label))
        links.append(NavLink(label=label, url=url, current=url == request.path))
    return links


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_patient_or_visitor = user is None or not user.is_authenticated or user.role == "patient"
    return {
        "clinic_name": settings.PORTAL_CLINIC_NAME,
        "clinic_phone": settings.PORTAL_CLINIC_PHONE,
        "show_crisis_footer": is_patient_or_visitor,
        "nav_links": SimpleLazyObject(lambda: navigation(request)),
        "can": SimpleLazyObject(lambda: {c.value: True for c in capabilities_of(user)}),
        "Capability": Capability,
    }
