"""Consent rules in plain values: which signed consents a visit needs, how a typed
signature is compared with the legal name, and the fingerprint of a document's text.

No database here; `intake.consent_selectors` applies these to stored rows.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.modalities import Modality


class ConsentKind(models.TextChoices):
    TREATMENT_IV = "treatment_iv", _("Consent to IV ketamine treatment")
    TREATMENT_SPRAVATO = "treatment_spravato", _("Consent to Spravato treatment")
    TREATMENT_KAP = "treatment_kap", _("Consent to ketamine-assisted psychotherapy")
    SPRAVATO_REMS = "spravato_rems", _("Spravato REMS patient enrollment acknowledgement")
    TELEHEALTH = "telehealth", _("Consent to telehealth")
    FINANCIAL = "financial", _("Financial and late-cancellation policy")
    TEXT_MESSAGES = "text_messages", _("Consent to text messages")


# What a dosing visit of each modality needs signed (the current version of each).
REQUIRED_FOR_MODALITY: dict[str, tuple[ConsentKind, ...]] = {
    Modality.IV: (ConsentKind.TREATMENT_IV,),
    Modality.SPRAVATO: (ConsentKind.TREATMENT_SPRAVATO, ConsentKind.SPRAVATO_REMS),
    Modality.KAP: (ConsentKind.TREATMENT_KAP,),
}
# California B&P 2290.5: documented consent before a first telehealth visit.
REQUIRED_FOR_TELEHEALTH: tuple[ConsentKind, ...] = (ConsentKind.TELEHEALTH,)


def required_kinds(*, modality: str | None, telehealth: bool) -> tuple[ConsentKind, ...]:
    """The consents a visit needs: its modality's (if it doses) and telehealth's (if online)."""
    kinds: list[ConsentKind] = []
    if modality:
        kinds += REQUIRED_FOR_MODALITY[Modality(modality)]
    if telehealth:
        kinds += REQUIRED_FOR_TELEHEALTH
    return tuple(kinds)


def normalise_name(name: str) -> str:
    """Case, accents' composition and runs of spaces do not matter; letters do."""
    composed = unicodedata.normalize("NFKC", name or "")
    return " ".join(composed.casefold().split())


def signature_problem(*, typed: str, legal_name: str) -> str | None:
    """Why `typed` is not an acceptable signature for `legal_name` (None: it is)."""
    if not normalise_name(typed):
        return _("Please type your full legal name to sign.")
    if not normalise_name(legal_name):
        return _(
            "We do not have your legal name on file yet. Please add it on your profile "
            "page and come back to sign."
        )
    if normalise_name(typed) != normalise_name(legal_name):
        return _(
            "The name you typed does not match the legal name on your file "
            "(%(legal_name)s). Please type it exactly as it appears there "
            "(capital letters and extra spaces do not matter)."
        ) % {"legal_name": legal_name.strip()}
    return None


def text_sha256(*, title: str, body: str) -> str:
    """The fingerprint of what was signed: SHA-256 of the title, a blank line, the body.
    The database computes the same (migration intake 0003) and refuses a signature whose
    fingerprint does not match the document's text."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
