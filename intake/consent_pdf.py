"""A signed consent as PDF (fpdf2, pure Python), printed only from stored rows.

The words around the consent's own text are in the patient's language (their profile's,
whoever downloads it); the consent's title and text are the clinic's stored version."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from intake.consent_models import ConsentSignature
from portal.formats import format_long_date
from portal.i18n import language_of

_PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


def _t(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def signed_consent_pdf(signature: ConsentSignature) -> bytes:
    with translation.override(language_of(signature.patient)):
        return _signed_consent_pdf(signature)


def _signed_consent_pdf(signature: ConsentSignature) -> bytes:
    document = signature.document
    doc = FPDF(format="Letter")
    doc.set_title(document.title)
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_font("Helvetica", "B", 15)
    doc.multi_cell(0, 8, _t(document.title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=9)
    doc.cell(
        0,
        6,
        _t(
            _("Version %(version)s, in effect from %(day)s")
            % {"version": document.version, "day": format_long_date(document.effective_date)}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(3)
    doc.set_font("Helvetica", size=10)
    for paragraph in document.paragraphs:
        doc.multi_cell(0, 5, _t(paragraph), new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)
    doc.ln(4)
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, _t(_("Electronic signature")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=10)
    signed = timezone.localtime(signature.signed_at)
    not_recorded = _("not recorded")
    lines = [
        _("Signed by: %(typed)s (legal name on file: %(legal)s)")
        % {"typed": signature.typed_name, "legal": signature.legal_name},
        _("Signed at: %(when)s") % {"when": f"{format_long_date(signed)}, {signed:%H:%M:%S %Z}"},
        _('The signer ticked "I agree" and agreed to sign electronically.'),
        _("From address: %(address)s") % {"address": signature.ip_address or not_recorded},
        _("Browser: %(browser)s") % {"browser": signature.user_agent or not_recorded},
        _("Document fingerprint (SHA-256 of title and text): %(sha)s")
        % {"sha": signature.text_sha256},
        _("Signature record: %(number)s") % {"number": signature.pk},
    ]
    for line in lines:
        doc.multi_cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
