"""Reads about consents: what a patient has signed and what is due, and the gate's gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from intake.consent_models import ConsentDocument, ConsentSignature
from intake.consents import ConsentKind, required_kinds
from portal.models import User


def current_documents(*, kinds: Iterable[str] | None = None) -> QuerySet[ConsentDocument]:
    """The version of each kind patients sign today: the highest active version in
    effect (one row per kind; a kind with none in effect asks for nothing)."""
    queryset = ConsentDocument.objects.filter(
        is_active=True, effective_date__lte=timezone.localdate()
    )
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset.order_by("kind", "-version").distinct("kind")


def current_document(*, kind: str) -> ConsentDocument | None:
    return current_documents(kinds=[kind]).first()


def missing_consents(*, patient: User, kinds: Iterable[str]) -> list[ConsentDocument]:
    """Current versions of `kinds` that `patient` has not signed (one query). A signature
    of an older version does not count: a new version asks for a new signature."""
    signed = ConsentSignature.objects.filter(patient=patient, document=OuterRef("pk"))
    rows = current_documents(kinds=kinds).annotate(signed=Exists(signed))
    return [doc for doc in rows if not doc.signed]


def consent_gaps(*, patient: User, modality: str | None, telehealth: bool) -> list[str]:
    """Why the consents stop a visit (empty: they do not), in words for the desk."""
    kinds = required_kinds(modality=modality, telehealth=telehealth)
    if not kinds:
        return []
    missing = sorted(
        missing_consents(patient=patient, kinds=kinds), key=lambda d: kinds.index(d.kind)
    )
    return [
        f"{ConsentKind(doc.kind).label} (version {doc.version}) is not signed." for doc in missing
    ]


@dataclass(frozen=True)
class ConsentRow:
    """One kind of consent for one patient: the version to sign now and where it stands."""

    kind: str
    label: str
    document: ConsentDocument
    signature: ConsentSignature | None  # of the current version
    older_signature: ConsentSignature | None  # of an earlier version, when no current one

    @property
    def due(self) -> bool:
        return self.signature is None


def consent_rows(*, patient: User) -> list[ConsentRow]:
    """Every current consent, signed or due, in the kinds' order (two queries)."""
    documents = list(current_documents())
    signatures = list(
        ConsentSignature.objects.filter(patient=patient)
        .select_related("document")
        .order_by("-document__version")
    )
    order = list(ConsentKind.values)
    rows = []
    for doc in sorted(documents, key=lambda d: order.index(d.kind)):
        mine = [s for s in signatures if s.document.kind == doc.kind]
        current = next((s for s in mine if s.document_id == doc.pk), None)
        rows.append(
            ConsentRow(
                kind=doc.kind,
                label=ConsentKind(doc.kind).label,
                document=doc,
                signature=current,
                older_signature=None if current else next(iter(mine), None),
            )
        )
    return rows


def due_count(*, patient: User) -> int:
    signed = ConsentSignature.objects.filter(patient=patient, document=OuterRef("pk"))
    return sum(1 for doc in current_documents().annotate(signed=Exists(signed)) if not doc.signed)


def signature_for_download() -> QuerySet[ConsentSignature]:
    return ConsentSignature.objects.select_related(
        "document", "patient", "patient__patient_profile"
    )
