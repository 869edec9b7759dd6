"""A signed consent as PDF (fpdf2, pure Python), printed only from stored rows."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF

from intake.consent_models import ConsentSignature

_PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


def _t(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def signed_consent_pdf(signature: ConsentSignature) -> bytes:
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
        _t(f"Version {document.version}, in effect from {document.effective_date:%B %-d, %Y}"),
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
    doc.cell(0, 7, "Electronic signature", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=10)
    signed = timezone.localtime(signature.signed_at)
    lines = [
        f"Signed by: {signature.typed_name} (legal name on file: {signature.legal_name})",
        f"Signed at: {signed:%B %-d, %Y, %H:%M:%S %Z}",
        'The signer ticked "I agree" and agreed to sign electronically.',
        f"From address: {signature.ip_address or 'not recorded'}",
        f"Browser: {signature.user_agent or 'not recorded'}",
        f"Document fingerprint (SHA-256 of title and text): {signature.text_sha256}",
        f"Signature record: {signature.pk}",
    ]
    for line in lines:
        doc.multi_cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
