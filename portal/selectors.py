"""Reads of the portal's own data that pages need."""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from portal import search
from portal.models import PatientProfile, Role, User, phone_digits

SEARCH_PAGE_SIZE = 25


def home_profile(*, user: User) -> PatientProfile | None:
    """The patient's profile card (with their login and preferred location, for its name
    and place); None when they have no profile row yet. One query."""
    return (
        PatientProfile.objects.select_related("user", "preferred_location")
        .filter(user=user)
        .first()
    )


def patient_search(query: search.Query) -> QuerySet[PatientProfile]:
    """Active patients matching a parsed search (portal.search), best first, with their
    login for the row: one query a page. Names match by part (any case) or by trigram
    similarity (a typo still finds them); the trigram indexes of migration portal 0007
    serve every kind but the birth date, which has its own index."""
    profiles = PatientProfile.objects.filter(
        user__role=Role.PATIENT, user__is_active=True
    ).select_related("user")
    match query.kind:
        case "birth_date":
            found = profiles.filter(date_of_birth=query.day).order_by("legal_name", "id")
        case "chart_number":
            found = profiles.filter(chart_number=query.text).order_by("id")
        case "email":
            found = profiles.filter(user__email__icontains=query.text).order_by("user__email")
        case "phone":
            found = (
                profiles.annotate(phone_digits=phone_digits("phone"))
                .filter(phone_digits__contains=query.text)
                .order_by("legal_name", "id")
            )
        case "name":
            found = (
                profiles.filter(
                    Q(legal_name__icontains=query.text)
                    | Q(preferred_name__icontains=query.text)
                    | Q(legal_name__trigram_word_similar=query.text)
                )
                .annotate(similarity=TrigramWordSimilarity(query.text, "legal_name"))
                .order_by("-similarity", "legal_name", "id")
            )
        case _:
            found = profiles.none()
    return found


def patient_search_page(
    query: search.Query, *, page: int | str | None = 1, size: int = SEARCH_PAGE_SIZE
) -> Page:
    """One page of patient_search (two queries: the count and the page)."""
    return Paginator(patient_search(query), size).get_page(page)


def chart_profile(*, patient_id: int) -> PatientProfile | None:
    """The profile a staff chart opens, with the login and preferred location (one
    query); None for an id that is not an active patient's."""
    return (
        PatientProfile.objects.select_related("user", "preferred_location")
        .filter(user_id=patient_id, user__role=Role.PATIENT)
        .first()
    )
