"""Request-wide rules: the security policy header, idle timeouts, staff MFA."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal import i18n
from portal.permissions import is_staff_role, staff_mfa_missing

Handler = Callable[[HttpRequest], HttpResponse]

# Vendored assets only, no inline script. Inline style *attributes* are allowed (progress
# bars set their width that way); <style> elements and third-party hosts are not.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


LAST_SEEN_KEY = "_portal_last_seen"


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user carry health information: a shared front-desk
    workstation's browser must not keep them in its disk cache or show them on Back
    after sign-out."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def idle_limit_seconds(user: object) -> int:
    minutes = (
        settings.PORTAL_STAFF_IDLE_MINUTES
        if is_staff_role(user)
        else settings.PORTAL_PATIENT_IDLE_MINUTES
    )
    return minutes * 60


class IdleTimeoutMiddleware:
    """Sign out a user idle for longer than their role allows (staff 15 min, patients 30).

    The timestamp check here is what enforces the limit, to the second. The session
    store's own expiry slides too (SESSION_SAVE_EVERY_REQUEST) but is set to twice the
    limit: had it been the limit itself, the session would vanish before this check
    ran and the person would land on the login page with no word of why.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            limit = idle_limit_seconds(user)
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - float(last_seen) > limit:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were signed out after %(minutes)s minutes without activity. "
                        "Please sign in again."
                    )
                    % {"minutes": limit // 60},
                )
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
            request.session.set_expiry(limit * 2)
        return self.get_response(request)


# Paths a staff member without MFA may still open: the MFA set-up itself, logout, assets.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


class StaffMFARequiredMiddleware:
    """With PORTAL_REQUIRE_STAFF_MFA on, staff must enrol TOTP before any staff page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MFA_EXEMPT_PREFIXES) and staff_mfa_missing(request.user):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication. Set up an authenticator app "
                "to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class ProfileLanguageMiddleware:
    """A signed-in person reads the language remembered in their session at sign-in
    (portal.i18n: a patient's profile language, English for staff). Sessions begun
    before that was remembered learn it once, here. Without a session language,
    LocaleMiddleware's choice (the language cookie or the browser) stands."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = session.get(i18n.SESSION_KEY) if session is not None else None
        if language is None and request.user.is_authenticated:
            language = i18n.language_of(request.user)
            session[i18n.SESSION_KEY] = language
        if language is not None:
            i18n.remember(request, language)
        response = self.get_response(request)
        # The view may have changed the language (the switcher, the profile page): the
        # session says which it is now. Sign-out empties the session: then the language
        # read before it stands.
        if session is not None:
            language = session.get(i18n.SESSION_KEY) or language
        if language is not None and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The sign-in page after sign-out speaks the language the patient last read.
            i18n.set_language_cookie(response, language)
        return response
