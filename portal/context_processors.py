"""What every page's layout needs: clinic details, the user's navigation, the crisis line."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from portal.extensions import nav_items
from portal.markup import format_html
from portal.permissions import Capability, capabilities_of

# A nav link's URL depends only on its name and the deployment's script prefix, yet
# reverse() costs tens of microseconds and every page draws several links: each is worked
# out once per process. None marks a name that does not resolve (an app switched off).
_nav_urls: dict[tuple[str, str], str | None] = {}


LAYOUT_URLS = {
    "home": "portal:home",
    "admin": "admin:index",
    "account": "account_email",
    "logout": "account_logout",
    "login": "account_login",
    "signup": "account_signup",
}


@receiver(setting_changed)
def _forget_nav_urls(*, setting: str, **kwargs: Any) -> None:
    # Tests swap the URLconf; a deployment never does.
    if setting == "ROOT_URLCONF":
        _nav_urls.clear()
        _nav_html.clear()


def _nav_url(url_name: str) -> str | None:
    key = (url_name, get_script_prefix())
    if key not in _nav_urls:
        try:
            _nav_urls[key] = reverse(url_name)
        except NoReverseMatch:
            _nav_urls[key] = None
    return _nav_urls[key]


_NAV_LINK = '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>'
_ACTIVE = mark_safe(" active")
_CURRENT = mark_safe(' aria-current="page"')
# The drawn links for each set of capabilities and current link: every page draws its
# person's navigation, which is the same for everyone in their role (measured: the
# template loop was a fifth of the layout's render).
_nav_html: dict[tuple[frozenset[Capability], str | None, str], SafeString] = {}


def _navigation(request: HttpRequest) -> SafeString:
    held = capabilities_of(request.user)
    links = []
    for item in nav_items():
        if item.capability not in held:
            continue
        url = _nav_url(item.url_name)
        if url is not None:
            links.append((item.label, url))
    current = request.path if any(url == request.path for _, url in links) else None
    key = (held, current, get_script_prefix())
    if key not in _nav_html:
        drawn = [
            format_html(
                _NAV_LINK,
                _ACTIVE if url == current else "",
                url,
                _CURRENT if url == current else "",
                label,
            )
            for label, url in links
        ]
        # Every link came out of format_html.
        _nav_html[key] = mark_safe("".join(drawn))  # noqa: S308
    return _nav_html[key]


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_patient_or_visitor = user is None or not user.is_authenticated or user.role == "patient"
    return {
        "clinic_name": settings.PORTAL_CLINIC_NAME,
        "clinic_phone": settings.PORTAL_CLINIC_PHONE,
        "show_crisis_footer": is_patient_or_visitor,
        "nav_html": SimpleLazyObject(lambda: _navigation(request)),
        # The layout's own links (brand, account, sign in and out), resolved once.
        "layout_urls": SimpleLazyObject(
            lambda: {key: _nav_url(name) for key, name in LAYOUT_URLS.items()}
        ),
        "can": SimpleLazyObject(lambda: {c.value: True for c in capabilities_of(user)}),
        "Capability": Capability,
    }
