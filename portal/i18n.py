"""Which language a person reads: before sign-in their own choice (the language cookie,
set by `portal.views.language_set`) or their browser's; after sign-in a patient's profile
language; staff always English (staff pages are not translated, and a half-Spanish staff
page helps no one).

The signed-in language is written into the session at sign-in (`remember_on_login`), so
no page pays a query to learn it. Emails, texts and calendar files are made outside any
request: they are rendered under `translation.override(language_of(user))`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from portal.models import Language, PatientProfile, User
from portal.permissions import is_staff_role

SESSION_KEY = "_portal_language"
# Language and settings.LANGUAGES are both made from portal.languages: one list.
SUPPORTED = frozenset(Language.values)
DEFAULT = Language.ENGLISH.value


def supported(code: str | None) -> str:
    """A language code we ship ("es-mx" reads as "es"); English for anything else."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in SUPPORTED else DEFAULT


def in_language(english: str, spanish: str, language: str | None = None) -> str:
    """Clinic text in `language` (the active one when None): the clinic's Spanish where it
    wrote one and the reader reads Spanish, else its English."""
    language = supported(language or translation.get_language())
    if language == Language.SPANISH and spanish.strip():
        return spanish
    return english


def language_of(user: Any) -> str:
    """The language a user's messages are written in: a patient's profile language,
    English for staff and anyone without a profile."""
    if user is None or is_staff_role(user):
        return DEFAULT
    try:
        profile = user.patient_profile
    except (PatientProfile.DoesNotExist, AttributeError):
        return DEFAULT
    return supported(profile.language)


def requested_language(request: HttpRequest) -> str:
    """The language the visitor is reading now (their choice or their browser's)."""
    return supported(getattr(request, "LANGUAGE_CODE", None) or translation.get_language())


def remember(request: HttpRequest, language: str) -> None:
    """Use `language` for the rest of this signed-in session, from this response on."""
    language = supported(language)
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


@receiver(user_logged_in, dispatch_uid="portal.i18n.remember_on_login")
def remember_on_login(
    sender: type[User], request: HttpRequest | None, user: User, **_: Any
) -> None:
    if request is not None:
        remember(request, language_of(user))


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        supported(language),
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
