"""Writes about consents: a patient signs the current version; the clinic adds a version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.consent_models import ConsentDocument, ConsentSignature
from intake.consent_selectors import current_document
from intake.consents import ConsentKind, signature_problem, text_sha256
from portal.models import PatientProfile, User
from portal.permissions import ensure_patient

SIGNED_TEXT_IS_FROZEN = (
    "This version has been signed, so its text can no longer change. Add a new version "
    "instead (patients will be asked to sign it)."
)


def _legal_name(patient: User) -> str:
    profile = PatientProfile.objects.filter(user=patient).only("legal_name").first()
    return (profile.legal_name if profile is not None else "") or ""


@transaction.atomic
def consent_sign(
    *,
    patient: User,
    document: ConsentDocument,
    typed_name: str,
    agreed: bool,
    esign_consent: bool,
    ip_address: str | None,
    user_agent: str,
) -> ConsentSignature:
    """Record the patient's electronic signature of the current version of a consent."""
    ensure_patient(patient)
    errors: dict[str, str] = {}
    if not agreed:
        errors["agreed"] = _("Please tick \u201cI agree\u201d to sign this form.")
    if not esign_consent:
        errors["esign_consent"] = _(
            "Please agree to sign electronically, or ask the front desk for a paper copy."
        )
    legal_name = _legal_name(patient)
    problem = signature_problem(typed=typed_name, legal_name=legal_name)
    if problem:
        errors["typed_name"] = problem
    if errors:
        raise ValidationError(errors)
    current = current_document(kind=document.kind)
    if current is None or current.pk != document.pk:
        raise ValidationError(
            _(
                "This version of the form has been replaced by a newer one. Please read and "
                "sign the current version."
            )
        )
    # Lock the version so that an edit in the admin cannot slip between reading the text
    # and fingerprinting it (the database re-checks the fingerprint on insert too).
    locked = ConsentDocument.objects.select_for_update().get(pk=document.pk)
    if ConsentSignature.objects.filter(patient=patient, document=locked).exists():
        raise ValidationError(_("You have already signed this version."))
    signature = ConsentSignature(
        document=locked,
        patient=patient,
        typed_name=" ".join(typed_name.split())[:150],
        legal_name=legal_name[:150],
        agreed=True,
        esign_consent=True,
        text_sha256=text_sha256(title=locked.title, body=locked.body),
        signed_at=timezone.now(),
        ip_address=ip_address,
        user_agent=(user_agent or "")[:200],
    )
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already signed this version.")) from exc
    return signature


def consent_document_is_signed(document: ConsentDocument) -> bool:
    return document.pk is not None and document.signatures.exists()


@transaction.atomic
def consent_document_save(*, document: ConsentDocument) -> ConsentDocument:
    """Save a version from the admin: a signed version's text, kind, version and date
    never change (only `is_active` may); a new row gets the next version when none is given."""
    if document.pk is not None:
        stored = ConsentDocument.objects.select_for_update().get(pk=document.pk)
        frozen = ("kind", "version", "title", "body", "effective_date")
        changed = any(getattr(stored, f) != getattr(document, f) for f in frozen)
        if changed and stored.signatures.exists():
            raise ValidationError(SIGNED_TEXT_IS_FROZEN)
    elif not document.version:
        last = ConsentDocument.objects.filter(kind=document.kind).order_by("-version").first()
        document.version = (last.version + 1) if last else 1
    ConsentKind(document.kind)
    document.full_clean()
    document.save()
    return document
