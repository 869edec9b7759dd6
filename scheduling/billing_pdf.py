"""Billing documents as PDF (fpdf2, pure Python): estimates, receipts and superbills, each
printed only from stored rows."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF

from scheduling.billing import money
from scheduling.billing_models import BillingSettings, GoodFaithEstimate, Payment
from scheduling.billing_selectors import Superbill, legal_name

# The PDF core fonts speak Latin-1: map the few typographic characters we print.
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _t(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Doc(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="Letter")
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("Helvetica", "B", 15)
        self.cell(0, 9, _t(title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)

    def line_text(self, text: str, *, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", 10)
        self.multi_cell(0, 5, _t(text), new_x="LMARGIN", new_y="NEXT")

    def gap(self) -> None:
        self.ln(3)


def estimate_pdf(estimate: GoodFaithEstimate) -> bytes:
    doc = _Doc("Good Faith Estimate")
    issued = timezone.localtime(estimate.issued_at)
    doc.line_text(f"Estimate number: GFE-{estimate.pk}")
    doc.line_text(f"Issued: {issued:%B %-d, %Y}")
    doc.gap()
    doc.line_text("Patient", bold=True)
    doc.line_text(estimate.patient_name)
    doc.gap()
    doc.line_text("Provider", bold=True)
    doc.line_text(estimate.provider_name)
    doc.line_text(estimate.provider_address)
    doc.line_text(f"NPI: {estimate.provider_npi}    Tax id: {estimate.provider_tax_id}")
    doc.line_text(f"Where: {estimate.location_text}")
    doc.gap()
    doc.line_text("Expected items and services", bold=True)
    for line in estimate.lines.all():
        dates = (
            f"{line.first_date:%b %-d, %Y}"
            if line.first_date == line.last_date
            else f"{line.first_date:%b %-d, %Y} to {line.last_date:%b %-d, %Y}"
        )
        who = f", {line.clinician_name}" if line.clinician_name else ""
        doc.line_text(
            f"{line.description}{who} | {dates} | codes {line.service_codes} | "
            f"{line.quantity} x {money(line.unit_cents)} = {money(line.amount_cents)}"
        )
    doc.gap()
    doc.line_text(f"Total estimated cost: {money(estimate.total_cents)}", bold=True)
    doc.gap()
    doc.line_text(
        "This Good Faith Estimate is not a contract and does not require you to obtain the "
        "items or services listed. It shows the costs expected at the time it was created; "
        "your actual charges may differ."
    )
    doc.gap()
    doc.line_text("Your right to dispute the bill", bold=True)
    doc.line_text(estimate.notice)
    return bytes(doc.output())


def receipt_pdf(payment: Payment) -> bytes:
    clinic = BillingSettings.load()
    kind = "Refund" if payment.is_refund else "Payment"
    doc = _Doc(f"Receipt R-{payment.pk}")
    doc.line_text(clinic.clinic_name)
    doc.line_text(clinic.clinic_address)
    doc.line_text(f"Tax id: {clinic.tax_id}    NPI: {clinic.clinic_npi}")
    doc.gap()
    doc.line_text(f"Received from: {legal_name(payment.patient)}")
    doc.line_text(f"Date: {timezone.localtime(payment.received_at):%B %-d, %Y}")
    doc.line_text(f"{kind}: {money(abs(payment.amount_cents))}", bold=True)
    doc.line_text(f"Method: {payment.get_method_display()}")
    if payment.reference:
        doc.line_text(f"Reference: {payment.reference}")
    if payment.refund_of_id:
        doc.line_text(f"Refund of receipt R-{payment.refund_of_id}")
    return bytes(doc.output())


def superbill_pdf(bill: Superbill) -> bytes:
    """A superbill as insurers expect it: provider identity (NPI, tax id), the patient,
    place of service, each visit's date, codes and charge, the diagnoses, what was paid."""
    clinic = bill.clinic
    doc = _Doc("Superbill (statement for insurance reimbursement)")
    doc.line_text(f"Period: {bill.start:%B %-d, %Y} to {bill.end:%B %-d, %Y}")
    doc.gap()
    doc.line_text("Provider", bold=True)
    doc.line_text(clinic.clinic_name)
    doc.line_text(clinic.clinic_address)
    doc.line_text(f"Phone: {clinic.clinic_phone}")
    doc.line_text(f"Clinic NPI: {clinic.clinic_npi}    Tax id (EIN): {clinic.tax_id}")
    doc.gap()
    doc.line_text("Patient", bold=True)
    doc.line_text(bill.patient_name)
    if bill.patient_dob:
        doc.line_text(f"Date of birth: {bill.patient_dob:%B %-d, %Y}")
    doc.gap()
    doc.line_text("Diagnoses (ICD-10-CM)", bold=True)
    if bill.diagnoses:
        for code, description in bill.diagnoses:
            doc.line_text(f"{code}  {description}")
    else:
        doc.line_text("None recorded: ask the clinic before you send this to your insurer.")
    doc.gap()
    doc.line_text("Services", bold=True)
    if not bill.lines:
        doc.line_text("No visits in this period.")
    for line in bill.lines:
        npi = f", NPI {line.clinician_npi}" if line.clinician_npi else ""
        credentials = f" {line.clinician_credentials}" if line.clinician_credentials else ""
        doc.line_text(
            f"{line.service_date:%m/%d/%Y} | {line.description} | CPT/HCPCS {line.service_codes}"
            f" | place of service {line.place_of_service} | "
            f"{line.clinician_name}{credentials}{npi} | {money(line.amount_cents)}"
        )
    doc.gap()
    doc.line_text(f"Total charged: {money(bill.charged_cents)}", bold=True)
    doc.line_text(f"Total paid in this period: {money(bill.paid_cents)}", bold=True)
    doc.gap()
    doc.line_text(
        "The patient paid the clinic directly. Submit this statement to your insurer to "
        "claim out-of-network reimbursement."
    )
    return bytes(doc.output())
