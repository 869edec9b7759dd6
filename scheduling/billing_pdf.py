"""Billing documents as PDF (fpdf2, pure Python): estimates, receipts and superbills, each
printed only from stored rows.

Their words are in the patient's language (their profile's, whoever downloads them), as a
signed consent's are (intake.consent_pdf): a document about a patient reads the same
from the desk as from the portal. What the clinic stored (names, descriptions, the
estimate's dispute notice) prints as stored.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF

from portal.formats import format_long_date
from portal.i18n import language_of
from scheduling.billing import money
from scheduling.billing_models import BillingSettings, GoodFaithEstimate, Payment
from scheduling.billing_selectors import Superbill, legal_name

# The PDF core fonts speak Latin-1: map the few typographic characters we print.
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _t(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _short(day: dt.date) -> str:
    return date_format(day, pgettext("short date in a billing PDF", "M j, Y"))


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
    with translation.override(language_of(estimate.patient)):
        return _estimate_pdf(estimate)


def _estimate_pdf(estimate: GoodFaithEstimate) -> bytes:
    doc = _Doc(_("Good Faith Estimate"))
    issued = timezone.localtime(estimate.issued_at)
    doc.line_text(_("Estimate number: GFE-%(number)s") % {"number": estimate.pk})
    doc.line_text(_("Issued: %(day)s") % {"day": format_long_date(issued)})
    doc.gap()
    doc.line_text(_("Patient"), bold=True)
    doc.line_text(estimate.patient_name)
    doc.gap()
    doc.line_text(_("Provider"), bold=True)
    doc.line_text(estimate.provider_name)
    doc.line_text(estimate.provider_address)
    doc.line_text(
        _("NPI: %(npi)s    Tax id: %(tax_id)s")
        % {"npi": estimate.provider_npi, "tax_id": estimate.provider_tax_id}
    )
    doc.line_text(_("Where: %(where)s") % {"where": estimate.location_text})
    doc.gap()
    doc.line_text(_("Expected items and services"), bold=True)
    for line in estimate.lines.all():
        dates = (
            _short(line.first_date)
            if line.first_date == line.last_date
            else _("%(first)s to %(last)s")
            % {"first": _short(line.first_date), "last": _short(line.last_date)}
        )
        who = f", {line.clinician_name}" if line.clinician_name else ""
        codes = _("codes %(codes)s") % {"codes": line.service_codes}
        doc.line_text(
            f"{line.description}{who} | {dates} | {codes} | "
            f"{line.quantity} x {money(line.unit_cents)} = {money(line.amount_cents)}"
        )
    doc.gap()
    doc.line_text(
        _("Total estimated cost: %(total)s") % {"total": money(estimate.total_cents)}, bold=True
    )
    doc.gap()
    doc.line_text(
        _(
            "This Good Faith Estimate is not a contract and does not require you to obtain "
            "the items or services listed. It shows the costs expected at the time it was "
            "created; your actual charges may differ."
        )
    )
    doc.gap()
    doc.line_text(_("Your right to dispute the bill"), bold=True)
    doc.line_text(estimate.notice)
    return bytes(doc.output())


def receipt_pdf(payment: Payment) -> bytes:
    with translation.override(language_of(payment.patient)):
        return _receipt_pdf(payment)


def _receipt_pdf(payment: Payment) -> bytes:
    clinic = BillingSettings.load()
    kind = _("Refund") if payment.is_refund else _("Payment")
    doc = _Doc(_("Receipt R-%(number)s") % {"number": payment.pk})
    doc.line_text(clinic.clinic_name)
    doc.line_text(clinic.clinic_address)
    doc.line_text(
        _("Tax id: %(tax_id)s    NPI: %(npi)s")
        % {"tax_id": clinic.tax_id, "npi": clinic.clinic_npi}
    )
    doc.gap()
    doc.line_text(_("Received from: %(name)s") % {"name": legal_name(payment.patient)})
    doc.line_text(
        _("Date: %(day)s") % {"day": format_long_date(timezone.localtime(payment.received_at))}
    )
    doc.line_text(f"{kind}: {money(abs(payment.amount_cents))}", bold=True)
    doc.line_text(_("Method: %(method)s") % {"method": payment.get_method_display()})
    if payment.reference:
        doc.line_text(_("Reference: %(reference)s") % {"reference": payment.reference})
    if payment.refund_of_id:
        doc.line_text(_("Refund of receipt R-%(number)s") % {"number": payment.refund_of_id})
    return bytes(doc.output())


def superbill_pdf(bill: Superbill) -> bytes:
    """A superbill as insurers expect it: provider identity (NPI, tax id), the patient,
    place of service, each visit's date, codes and charge, the diagnoses, what was paid."""
    with translation.override(bill.language):
        return _superbill_pdf(bill)


def _superbill_pdf(bill: Superbill) -> bytes:
    clinic = bill.clinic
    doc = _Doc(_("Superbill (statement for insurance reimbursement)"))
    doc.line_text(
        _("Period: %(start)s to %(end)s")
        % {"start": format_long_date(bill.start), "end": format_long_date(bill.end)}
    )
    doc.gap()
    doc.line_text(_("Provider"), bold=True)
    doc.line_text(clinic.clinic_name)
    doc.line_text(clinic.clinic_address)
    doc.line_text(_("Phone: %(phone)s") % {"phone": clinic.clinic_phone})
    doc.line_text(
        _("Clinic NPI: %(npi)s    Tax id (EIN): %(tax_id)s")
        % {"npi": clinic.clinic_npi, "tax_id": clinic.tax_id}
    )
    doc.gap()
    doc.line_text(_("Patient"), bold=True)
    doc.line_text(bill.patient_name)
    if bill.patient_dob:
        doc.line_text(_("Date of birth: %(day)s") % {"day": format_long_date(bill.patient_dob)})
    doc.gap()
    doc.line_text(_("Diagnoses (ICD-10-CM)"), bold=True)
    if bill.diagnoses:
        for code, description in bill.diagnoses:
            doc.line_text(f"{code}  {description}")
    else:
        doc.line_text(_("None recorded: ask the clinic before you send this to your insurer."))
    doc.gap()
    doc.line_text(_("Services"), bold=True)
    if not bill.lines:
        doc.line_text(_("No visits in this period."))
    for line in bill.lines:
        npi = f", NPI {line.clinician_npi}" if line.clinician_npi else ""
        credentials = f" {line.clinician_credentials}" if line.clinician_credentials else ""
        place = _("place of service %(code)s") % {"code": line.place_of_service}
        doc.line_text(
            f"{line.service_date:%m/%d/%Y} | {line.description} | CPT/HCPCS {line.service_codes}"
            f" | {place} | "
            f"{line.clinician_name}{credentials}{npi} | {money(line.amount_cents)}"
        )
    doc.gap()
    doc.line_text(_("Total charged: %(total)s") % {"total": money(bill.charged_cents)}, bold=True)
    doc.line_text(
        _("Total paid in this period: %(total)s") % {"total": money(bill.paid_cents)}, bold=True
    )
    doc.gap()
    doc.line_text(
        _(
            "The patient paid the clinic directly. Submit this statement to your insurer to "
            "claim out-of-network reimbursement."
        )
    )
    return bytes(doc.output())
