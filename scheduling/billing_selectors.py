"""Billing's reads: the price in force on a day, the price list the request form shows,
a patient's account, and the superbill for a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils import timezone

from portal.i18n import language_of
from scheduling.billing import exceeds_estimate, money

if TYPE_CHECKING:
    from portal.models import User
from scheduling.billing_models import (
    BillingSettings,
    Charge,
    DiagnosisCode,
    EstimateDue,
    EstimateLine,
    GoodFaithEstimate,
    Payment,
    ServicePackage,
    ServicePrice,
)


@dataclass(frozen=True)
class PriceRow:
    service_id: int
    service_name: str
    is_dosing: bool
    amount_cents: int
    service_codes: str
    course_visits: int
    package_name: str
    package_cents: int | None

    @property
    def price(self) -> str:
        return money(self.amount_cents)

    @property
    def course_cents(self) -> int:
        """What a typical course costs: the package if one is offered, else visits x price."""
        if self.package_cents is not None:
            return self.package_cents
        return self.course_visits * self.amount_cents

    @property
    def course(self) -> str:
        return money(self.course_cents)


def price_in_force(*, service_id: int, on: dt.date) -> ServicePrice | None:
    """The latest price that began on or before `on` (the history stays in the table)."""
    return (
        ServicePrice.objects.filter(service_id=service_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def prices_in_force(*, service_ids: set[int], on: dt.date) -> dict[int, ServicePrice]:
    """One query for many services: each one's price in force on `on`."""
    rows = (
        ServicePrice.objects.filter(service_id__in=service_ids, effective_from__lte=on)
        .order_by("service_id", "-effective_from")
        .distinct("service_id")
    )
    return {row.service_id: row for row in rows}


def price_list(*, on: dt.date | None = None) -> list[PriceRow]:
    """Active services with their self-pay price in force, and a package if one is offered.

    Two queries; a service without a price is left out (the form shows no figure for it
    rather than a wrong one).
    """
    on = on or timezone.localdate()
    prices = (
        ServicePrice.objects.filter(service__is_active=True, effective_from__lte=on)
        .select_related("service")
        .order_by("service_id", "-effective_from")
        .distinct("service_id")
    )
    packages = {
        p.service_id: p
        for p in ServicePackage.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("service_id", "-visits")
    }
    rows = []
    for price in prices:
        package = packages.get(price.service_id)
        rows.append(
            PriceRow(
                service_id=price.service_id,
                service_name=price.service.name,
                is_dosing=price.service.is_dosing,
                amount_cents=price.amount_cents,
                service_codes=price.service_codes,
                course_visits=package.visits if package else price.typical_course_visits,
                package_name=package.name if package else "",
                package_cents=package.amount_cents if package else None,
            )
        )
    rows.sort(key=lambda r: r.service_name)
    return rows


def estimates_for_patient(*, patient: object) -> list[GoodFaithEstimate]:
    return list(
        GoodFaithEstimate.objects.filter(patient=patient)
        .prefetch_related("lines")
        .order_by("-issued_at", "-id")
    )


@dataclass(frozen=True)
class DueRow:
    patient_id: int
    patient_name: str
    due_on: dt.date | None
    reason: str
    last_error: str
    patient: User | None = None  # with their profile: what staff_patient prints

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def estimates_due() -> list[DueRow]:
    """Open estimate obligations, one row a patient, the earliest deadline first."""
    rows: dict[int, DueRow] = {}
    dues = (
        EstimateDue.objects.filter(estimate__isnull=True)
        .select_related("patient", "patient__patient_profile")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )
    for due in dues:
        if due.patient_id not in rows:
            rows[due.patient_id] = DueRow(
                patient_id=due.patient_id,
                patient_name=due.patient.display_name,
                patient=due.patient,
                due_on=due.due_on,
                reason=due.get_reason_display(),
                last_error=due.last_error,
            )
    return list(rows.values())


@dataclass(frozen=True)
class Account:
    """A patient's billing: charges, payments and refunds, the balance, and the warning
    the law's dispute threshold calls for (latest estimate vs the charges it covers)."""

    charges: list[Charge]
    payments: list[Payment]
    charged_cents: int
    paid_cents: int
    over_estimate_cents: int | None

    @property
    def balance_cents(self) -> int:
        return self.charged_cents - self.paid_cents


def account_for_patient(*, patient: object) -> Account:
    charges = list(Charge.objects.filter(patient=patient).order_by("service_date", "id"))
    payments = list(Payment.objects.filter(patient=patient).order_by("received_at", "id"))
    over: int | None = None
    latest = GoodFaithEstimate.objects.filter(patient=patient).order_by("-issued_at", "-id").first()
    if latest is not None:
        covered = set(
            EstimateLine.objects.filter(estimate=latest, appointment__isnull=False).values_list(
                "appointment_id", flat=True
            )
        )
        actual = sum(c.amount_cents for c in charges if c.appointment_id in covered)
        settings_row = BillingSettings.load()
        if exceeds_estimate(
            actual_cents=actual,
            estimate_cents=latest.total_cents,
            threshold_cents=settings_row.dispute_threshold_cents,
        ):
            over = actual - latest.total_cents
    return Account(
        charges=charges,
        payments=payments,
        charged_cents=sum(c.amount_cents for c in charges),
        paid_cents=sum(p.amount_cents for p in payments),
        over_estimate_cents=over,
    )


@dataclass(frozen=True)
class SuperbillLine:
    service_date: dt.date
    description: str
    service_codes: str
    clinician_name: str
    clinician_credentials: str
    clinician_npi: str
    place_of_service: str
    amount_cents: int


@dataclass(frozen=True)
class Superbill:
    """What a patient sends an insurer to claim out-of-network reimbursement: every figure
    comes from stored rows (charges at the price in force on the visit's day, payments as
    taken, diagnosis codes as a prescriber recorded them)."""

    patient_name: str
    patient_dob: dt.date | None
    start: dt.date
    end: dt.date
    clinic: BillingSettings
    lines: list[SuperbillLine]
    diagnoses: list[tuple[str, str]]
    paid_cents: int
    language: str = "en"  # the patient's (portal.i18n.language_of): its PDF's words

    @property
    def charged_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


def legal_name(patient: object) -> str:
    """Documents carry the legal name (the portal greets people by their preferred one)."""
    profile = getattr(patient, "patient_profile", None)
    return (profile.legal_name if profile else "") or patient.full_name or patient.email  # type: ignore[attr-defined]


def superbill_for(*, patient: object, start: dt.date, end: dt.date) -> Superbill:
    """Charges with a visit date in start..end, payments received then, and the patient's
    active diagnosis codes. Three queries, whatever the period holds."""
    clinic = BillingSettings.load()
    charges = (
        Charge.objects.filter(patient=patient, service_date__range=(start, end))
        .select_related("service", "clinician", "clinician__billing_profile")
        .order_by("service_date", "id")
    )
    lines = []
    for charge in charges:
        profile = getattr(charge.clinician, "billing_profile", None)
        lines.append(
            SuperbillLine(
                service_date=charge.service_date,
                description=charge.description,
                service_codes=charge.service_codes,
                clinician_name=charge.clinician.full_name,
                clinician_credentials=profile.credentials if profile else "",
                clinician_npi=profile.npi if profile else "",
                place_of_service=(
                    clinic.telehealth_place_of_service
                    if charge.service.is_telehealth
                    else clinic.place_of_service
                ),
                amount_cents=charge.amount_cents,
            )
        )
    paid = [
        p.amount_cents
        for p in Payment.objects.filter(patient=patient).only("amount_cents", "received_at")
        if start <= timezone.localdate(p.received_at) <= end
    ]
    diagnoses = list(
        DiagnosisCode.objects.filter(patient=patient, is_active=True)
        .order_by("code")
        .values_list("code", "description")
    )
    profile = getattr(patient, "patient_profile", None)
    return Superbill(
        patient_name=legal_name(patient),
        patient_dob=profile.date_of_birth if profile else None,
        start=start,
        end=end,
        clinic=clinic,
        lines=lines,
        diagnoses=diagnoses,
        paid_cents=sum(paid),
        language=language_of(patient),
    )


def diagnoses_for(*, patient: object) -> list[DiagnosisCode]:
    """A patient's diagnosis codes, active first, with who recorded them."""
    return list(
        DiagnosisCode.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-is_active", "code", "-created_at")
    )
