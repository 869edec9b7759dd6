"""Reads about uploaded documents: the latest of each kind, and one for download."""

from __future__ import annotations

from django.db.models import QuerySet

from intake.document_models import PatientDocument
from portal.models import User


def latest_documents(*, patient: User) -> list[tuple[str, str, PatientDocument | None]]:
    """(kind, label, the latest upload or None) for each kind, in one query."""
    latest = (
        PatientDocument.objects.filter(patient=patient)
        .order_by("kind", "-created_at", "-id")
        .distinct("kind")
    )
    by_kind = {document.kind: document for document in latest}
    return [(kind, label, by_kind.get(kind)) for kind, label in PatientDocument.Kind.choices]


def documents_for_download() -> QuerySet[PatientDocument]:
    return PatientDocument.objects.select_related("patient")
