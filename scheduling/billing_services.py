"""Billing's writes: good-faith estimates on the legal clock.

A self-pay booking writes an `EstimateDue` row in the booking's own transaction (so the
obligation cannot be lost), and asks, on commit, for the estimate to be issued at once.
One estimate covers every upcoming visit of the patient, so a series booked in one step
(six bookings, six on-commit calls) gets one estimate listing all six; the later calls
find nothing open and do nothing. An estimate that cannot be issued (a service without
a price) keeps its row open with the reason, on the desk's list of estimates due.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.services import notification_schedule, portal_link
from portal.permissions import Capability, require_capability
from scheduling.billing import EstimateReason, estimate_due_on, normalise_icd10
from scheduling.billing_models import (
    BillingSettings,
    Charge,
    ClinicHoliday,
    DiagnosisCode,
    EstimateDue,
    EstimateLine,
    GoodFaithEstimate,
    Payment,
    PaymentMethod,
)
from scheduling.billing_selectors import legal_name, price_in_force, prices_in_force
from scheduling.models import TELEHEALTH_PLACE, Appointment, AppointmentRequest, PayerKind


def holidays() -> set:
    return set(ClinicHoliday.objects.values_list("day", flat=True))


def pays_self(appointment: Appointment) -> bool:
    """Self-pay or uninsured: the visit's request says so, or (a visit booked without one,
    e.g. a course's series) the patient's latest request does."""
    request = appointment.request
    if request is None:
        request = (
            AppointmentRequest.objects.filter(patient_id=appointment.patient_id)
            .exclude(payer_kind="")
            .order_by("-created_at", "-id")
            .first()
        )
    if request is None:
        return False
    return request.payer_kind == PayerKind.SELF_PAY or request.pays_privately


def estimate_due_for_booking(*, appointment: Appointment) -> EstimateDue | None:
    """Called by scheduling's booking and rescheduling, inside their transaction."""
    if not pays_self(appointment):
        return None
    today = timezone.localdate()
    due = EstimateDue.objects.create(
        patient_id=appointment.patient_id,
        appointment=appointment,
        reason=EstimateReason.SCHEDULED,
        arose_on=today,
        due_on=estimate_due_on(
            reason=EstimateReason.SCHEDULED,
            arose_on=today,
            service_on=timezone.localdate(appointment.starts_at),
            holidays=holidays(),
            rule=BillingSettings.load().deadline_rule,
        ),
    )
    transaction.on_commit(partial(estimate_issue_due, patient_id=appointment.patient_id))
    return due


def estimate_issue_due(*, patient_id: int) -> GoodFaithEstimate | None:
    """Issue the estimate a patient is owed, if any; record why not when it cannot be."""
    try:
        return _estimate_issue(patient_id=patient_id)
    except ValidationError as exc:
        EstimateDue.objects.filter(patient_id=patient_id, estimate__isnull=True).update(
            last_error=" ".join(exc.messages)[:300]
        )
        return None


@transaction.atomic
def estimate_request(*, patient: User) -> GoodFaithEstimate:
    """The patient asks from their billing page: answered at once, or refused with why."""
    today = timezone.localdate()
    EstimateDue.objects.create(
        patient=patient,
        reason=EstimateReason.REQUESTED,
        arose_on=today,
        due_on=estimate_due_on(
            reason=EstimateReason.REQUESTED,
            arose_on=today,
            service_on=None,
            holidays=holidays(),
            rule=BillingSettings.load().deadline_rule,
        ),
    )
    estimate = _estimate_issue(patient_id=patient.pk)
    if estimate is None:  # pragma: no cover - the due row above is open
        raise ValidationError("Nothing to estimate.")
    return estimate


def _stored_telehealth() -> str:
    """The place of a video visit as an estimate stores it: in English whoever asks, like
    the estimate's other stored words (its lines' descriptions), which print as stored."""
    with translation.override("en"):
        return str(TELEHEALTH_PLACE)


@transaction.atomic
def _estimate_issue(*, patient_id: int) -> GoodFaithEstimate | None:
    patient = User.objects.select_for_update().get(pk=patient_id)
    open_dues = list(EstimateDue.objects.filter(patient=patient, estimate__isnull=True))
    if not open_dues:
        return None
    clinic = BillingSettings.load()
    appointments = list(
        Appointment.objects.filter(
            patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gt=timezone.now()
        )
        .select_related("service", "location", "clinician")
        .order_by("starts_at", "id")
    )
    lines: list[EstimateLine] = []
    if appointments:
        days = {timezone.localdate(a.starts_at) for a in appointments}
        prices = {}
        for day in days:
            for sid, price in prices_in_force(
                service_ids={a.service_id for a in appointments}, on=day
            ).items():
                prices[(sid, day)] = price
        for a in appointments:
            day = timezone.localdate(a.starts_at)
            price = prices.get((a.service_id, day))
            if price is None:
                raise ValidationError(
                    _("%(service)s has no self-pay price for %(day)s.")
                    % {"service": a.service, "day": f"{day:%-d %b %Y}"}
                )
            lines.append(
                EstimateLine(
                    appointment=a,
                    service=a.service,
                    description=a.service.name,
                    clinician_name=a.clinician.display_name,
                    service_codes=price.service_codes,
                    first_date=day,
                    last_date=day,
                    quantity=1,
                    unit_cents=price.amount_cents,
                    amount_cents=price.amount_cents,
                )
            )
        places = sorted(
            {f"{a.location.name}, {a.location.address}" for a in appointments if a.location_id}
        )
        if any(a.location_id is None for a in appointments):
            places.append(_stored_telehealth())
    else:
        # Nothing booked yet: estimate a typical course of what the patient asked for.
        requests = list(
            AppointmentRequest.objects.filter(
                patient=patient,
                status=AppointmentRequest.Status.PENDING,
                reschedule_of__isnull=True,
            ).select_related("service", "preferred_location")
        )
        if not requests:
            raise ValidationError(
                _("Nothing is booked or requested yet: request a visit, and ask again.")
            )
        today = timezone.localdate()
        prices = prices_in_force(service_ids={r.service_id for r in requests}, on=today)
        places = sorted(
            {
                f"{r.preferred_location.name}, {r.preferred_location.address}"
                for r in requests
                if r.preferred_location_id
            }
        ) or [_stored_telehealth()]
        for r in requests:
            price = prices.get(r.service_id)
            if price is None:
                raise ValidationError(
                    _("%(service)s has no self-pay price yet.") % {"service": r.service}
                )
            dates = [d for d, _part in r.windows]
            lines.append(
                EstimateLine(
                    service=r.service,
                    description=f"{r.service.name} (typical course)",
                    service_codes=price.service_codes,
                    first_date=min(dates),
                    last_date=max(dates),
                    quantity=price.typical_course_visits,
                    unit_cents=price.amount_cents,
                    amount_cents=price.typical_course_visits * price.amount_cents,
                )
            )
    reason = (
        EstimateReason.REQUESTED
        if any(d.reason == EstimateReason.REQUESTED for d in open_dues)
        else EstimateReason.SCHEDULED
    )
    estimate = GoodFaithEstimate.objects.create(
        patient=patient,
        reason=reason,
        issued_at=timezone.now(),
        patient_name=legal_name(patient),
        provider_name=clinic.clinic_name,
        provider_npi=clinic.clinic_npi,
        provider_tax_id=clinic.tax_id,
        provider_address=clinic.clinic_address,
        location_text="; ".join(places),
        total_cents=sum(line.amount_cents for line in lines),
        notice=clinic.dispute_notice,
    )
    for line in lines:
        line.estimate = estimate
    EstimateLine.objects.bulk_create(lines)
    EstimateDue.objects.filter(pk__in=[d.pk for d in open_dues]).update(
        estimate=estimate, last_error="", updated_at=timezone.now()
    )
    notification_schedule(
        recipient=patient,
        kind=Kind.DOCUMENT_READY,
        send_at=timezone.now(),
        idempotency_key=f"estimate:{estimate.pk}:ready",
        context={"url": portal_link(reverse("scheduling:billing"))},
        topic=f"estimate:{estimate.pk}",
    )
    return estimate


# --- charges and payments --------------------------------------------------------------


def charge_for_completed(*, appointment: Appointment) -> Charge | None:
    """Called by scheduling's status service inside its transaction when a visit is
    completed: the charge at the price and codes in force on the visit's day (once)."""
    day = timezone.localdate(appointment.starts_at)
    price = price_in_force(service_id=appointment.service_id, on=day)
    if price is None or Charge.objects.filter(appointment=appointment).exists():
        return None
    return Charge.objects.create(
        patient_id=appointment.patient_id,
        appointment=appointment,
        service_id=appointment.service_id,
        description=appointment.service.name,
        service_codes=price.service_codes,
        service_date=day,
        clinician_id=appointment.clinician_id,
        location_id=appointment.location_id,
        amount_cents=price.amount_cents,
    )


@transaction.atomic
def payment_record(
    *, patient: User, method: str, amount_cents: int, by: User, reference: str = ""
) -> Payment:
    if patient.role != "patient":
        raise ValidationError("Payments are recorded for patients.")
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "Choose how the patient paid."})
    if amount_cents <= 0:
        raise ValidationError({"amount": "Enter an amount above zero."})
    return Payment.objects.create(
        patient=patient,
        method=method,
        amount_cents=amount_cents,
        received_at=timezone.now(),
        recorded_by=by,
        reference=reference.strip()[:60],
    )


@transaction.atomic
def payment_refund(*, payment: Payment, amount_cents: int, by: User) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_refund:
        raise ValidationError("A refund cannot itself be refunded.")
    refunded = -sum(r.amount_cents for r in payment.refunds.all())
    if amount_cents <= 0 or amount_cents > payment.amount_cents - refunded:
        raise ValidationError({"amount": "Refund between $0.01 and what is left of the payment."})
    return Payment.objects.create(
        patient_id=payment.patient_id,
        method=payment.method,
        amount_cents=-amount_cents,
        received_at=timezone.now(),
        recorded_by=by,
        refund_of=payment,
    )


@transaction.atomic
def diagnosis_record(*, patient: User, code: str, description: str, by: User) -> DiagnosisCode:
    """A prescriber records an ICD-10 code for a patient (printed on their superbills)."""
    require_capability(by, Capability.CLINICAL_DECIDE, "Only a prescriber records diagnoses.")
    if patient.role != "patient":
        raise ValidationError("Diagnoses are recorded for patients.")
    normal = normalise_icd10(code)
    if normal is None:
        raise ValidationError({"code": "Enter an ICD-10-CM code such as F33.2 or F43.10."})
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Say what the code means, as the bill prints it."})
    if DiagnosisCode.objects.filter(patient=patient, code=normal, is_active=True).exists():
        raise ValidationError({"code": f"{normal} is already on this patient's list."})
    diagnosis = DiagnosisCode.objects.create(
        patient=patient, code=normal, description=description[:200], recorded_by=by
    )
    audit_record(actor=by, action="diagnosis.record", patient=patient, obj=diagnosis)
    return diagnosis


@transaction.atomic
def diagnosis_retire(*, diagnosis: DiagnosisCode, by: User) -> DiagnosisCode:
    """Take a code off the list (kept for the record; later superbills leave it out)."""
    require_capability(by, Capability.CLINICAL_DECIDE, "Only a prescriber changes diagnoses.")
    diagnosis = DiagnosisCode.objects.select_for_update().get(pk=diagnosis.pk)
    if diagnosis.is_active:
        diagnosis.is_active = False
        diagnosis.save(update_fields=["is_active", "updated_at"])
        audit_record(actor=by, action="diagnosis.retire", patient=diagnosis.patient, obj=diagnosis)
    return diagnosis
