"""Self-pay billing: prices, clinic holidays, good-faith estimates, charges, payments,
and what superbills need (billing details of the clinic and clinicians, diagnosis codes).

Money is integer cents everywhere. Estimates and their lines are written once and never
changed (a changed plan issues a new estimate); a charge copies the price and service
code in force on the visit's day, so every figure on a document comes from stored rows.
Imported at the bottom of scheduling/models.py so Django finds these models.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from portal.models import ClinicSettingsBase, Location, TimeStamped
from scheduling.billing import DISPUTE_NOTICE, DeadlineRule, EstimateReason, money


class BillingSettings(ClinicSettingsBase):
    """The clinic's billing identity and the estimate clock: clinic data, edited in admin."""

    clinic_name = models.CharField(max_length=150, default="Sacramento Valley Ketamine Clinic")
    clinic_address = models.CharField(
        max_length=250, default="1200 Capitol Mall, Suite 300, Sacramento, CA 95814"
    )
    clinic_phone = models.CharField(max_length=30, default="(916) 555-0100")
    clinic_npi = models.CharField("clinic NPI", max_length=10, default="1234567893")
    tax_id = models.CharField("tax id (EIN)", max_length=12, default="94-1234567")
    place_of_service = models.CharField(
        max_length=2, default="11", help_text="CMS place-of-service code (11: office)."
    )
    telehealth_place_of_service = models.CharField(
        max_length=2, default="10", help_text="10: telehealth in the patient's home."
    )
    near_ahead_days = models.PositiveSmallIntegerField(
        default=3, help_text="A visit this many business days ahead or more needs an estimate"
    )
    near_due_days = models.PositiveSmallIntegerField(
        default=1, help_text="... within this many business days of scheduling."
    )
    far_ahead_days = models.PositiveSmallIntegerField(default=10)
    far_due_days = models.PositiveSmallIntegerField(default=3)
    on_request_due_days = models.PositiveSmallIntegerField(
        default=1,
        help_text="Business days to answer a patient's request (the law allows 3; "
        "the clinic answers sooner).",
    )
    dispute_threshold_cents = models.PositiveIntegerField(
        default=40000, help_text="Warn staff when the actual total is this far over (cents)."
    )
    dispute_notice = models.TextField(default=DISPUTE_NOTICE)

    class Meta:
        verbose_name = "billing settings"
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return "Billing settings"

    @property
    def deadline_rule(self) -> DeadlineRule:
        return DeadlineRule(
            near_ahead_days=self.near_ahead_days,
            near_due_days=self.near_due_days,
            far_ahead_days=self.far_ahead_days,
            far_due_days=self.far_due_days,
            on_request_due_days=self.on_request_due_days,
        )


class ClinicHoliday(TimeStamped):
    """A day the clinic is closed: not a business day for the estimate clock."""

    day = models.DateField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.name} ({self.day:%Y-%m-%d})"


class ServicePrice(TimeStamped):
    """A service's self-pay price and billing codes from a date on. Rows are history:
    a new price is a new row, and the one in force on a day is the latest that began."""

    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="prices"
    )
    effective_from = models.DateField()
    amount_cents = models.PositiveIntegerField(help_text="Self-pay price per visit, in cents.")
    service_codes = models.CharField(
        max_length=60, help_text="CPT/HCPCS codes billed for one visit, e.g. 96365, 96366."
    )
    typical_course_visits = models.PositiveSmallIntegerField(
        default=1, help_text="Visits in a typical course (6 for an IV induction)."
    )

    class Meta:
        ordering = ["service_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "effective_from"], name="serviceprice_one_per_day"
            ),
            models.CheckConstraint(
                name="serviceprice_course_positive", condition=Q(typical_course_visits__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {money(self.amount_cents)} from {self.effective_from}"


class ServicePackage(TimeStamped):
    """A bundle the clinic offers (e.g. six infusions), shown beside the per-visit price."""

    service = models.ForeignKey(
        "scheduling.Service", on_delete=models.PROTECT, related_name="packages"
    )
    name = models.CharField(max_length=100)
    visits = models.PositiveSmallIntegerField()
    amount_cents = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["service_id", "visits"]
        constraints = [
            models.CheckConstraint(name="servicepackage_visits_2_plus", condition=Q(visits__gte=2)),
            models.CheckConstraint(
                name="servicepackage_until_after_from",
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {money(self.amount_cents)}"


class ClinicianBillingProfile(TimeStamped):
    """What a superbill prints for the rendering clinician."""

    clinician = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="billing_profile",
        limit_choices_to={"role": "clinician"},
    )
    npi = models.CharField("NPI", max_length=10)
    credentials = models.CharField(max_length=40, blank=True, help_text="e.g. MD, PMHNP-BC")

    def __str__(self) -> str:
        return f"NPI {self.npi}"


class DiagnosisCode(TimeStamped):
    """An ICD-10 code a prescriber recorded for a patient, printed on superbills."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diagnosis_codes"
    )
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["patient_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "code"],
                condition=Q(is_active=True),
                name="diagnosiscode_active_once",
            )
        ]

    def __str__(self) -> str:
        return self.code


class GoodFaithEstimate(TimeStamped):
    """A good-faith estimate as issued: never changed; a changed plan issues a new one."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="estimates"
    )
    reason = models.CharField(
        max_length=10,
        choices=[(EstimateReason.SCHEDULED, "Scheduled"), (EstimateReason.REQUESTED, "Asked")],
    )
    issued_at = models.DateTimeField()
    patient_name = models.CharField(max_length=150)
    provider_name = models.CharField(max_length=150)
    provider_npi = models.CharField(max_length=10)
    provider_tax_id = models.CharField(max_length=12)
    provider_address = models.CharField(max_length=250)
    location_text = models.CharField(max_length=250)
    total_cents = models.PositiveIntegerField()
    notice = models.TextField()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["patient", "issued_at"], name="estimate_patient")]

    def __str__(self) -> str:
        return f"Estimate {self.pk} ({money(self.total_cents)})"


class EstimateLine(models.Model):
    """One expected service: a scheduled visit, or (on request) a typical course's visit."""

    estimate = models.ForeignKey(GoodFaithEstimate, on_delete=models.CASCADE, related_name="lines")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="estimate_lines",
    )
    service = models.ForeignKey("scheduling.Service", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=150)
    clinician_name = models.CharField(max_length=150, blank=True)
    service_codes = models.CharField(max_length=60)
    first_date = models.DateField()
    last_date = models.DateField()
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_cents = models.PositiveIntegerField()
    amount_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["first_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="estimateline_amount_is_quantity_times_unit",
                condition=Q(amount_cents=F("quantity") * F("unit_cents")),
            ),
            models.CheckConstraint(
                name="estimateline_dates_in_order", condition=Q(last_date__gte=F("first_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} x{self.quantity}"


class EstimateDue(TimeStamped):
    """An estimate the clinic owes: written with the booking (or the patient's ask), in the
    same transaction, and closed by the estimate that covers it. Open ones are the desk's
    list of estimates due and overdue."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="estimates_due"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="estimates_due",
    )
    reason = models.CharField(
        max_length=10,
        choices=[(EstimateReason.SCHEDULED, "Scheduled"), (EstimateReason.REQUESTED, "Asked")],
    )
    arose_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, help_text="Empty: no legal deadline.")
    estimate = models.ForeignKey(
        GoodFaithEstimate, null=True, blank=True, on_delete=models.PROTECT, related_name="dues"
    )
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(estimate__isnull=True), name="estimatedue_open"
            )
        ]

    def __str__(self) -> str:
        return f"Estimate due for {self.patient_id} by {self.due_on}"


class Charge(TimeStamped):
    """What a completed visit costs: the price and codes in force on the visit's day."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charges"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="charge"
    )
    service = models.ForeignKey("scheduling.Service", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=150)
    service_codes = models.CharField(max_length=60)
    service_date = models.DateField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["service_date", "id"]
        indexes = [models.Index(fields=["patient", "service_date"], name="charge_patient")]

    def __str__(self) -> str:
        return f"{self.description} {self.service_date}: {money(self.amount_cents)}"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (terminal)"
    CASH = "cash", "Cash"
    HSA_FSA = "hsa_fsa", "HSA/FSA card"


class Payment(TimeStamped):
    """Money taken at the desk, or given back (a refund: negative, naming the payment)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    amount_cents = models.IntegerField(help_text="Positive for a payment, negative for a refund.")
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        max_length=60, blank=True, help_text="Terminal authorisation code or receipt number."
    )
    refund_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["patient", "received_at"], name="payment_patient")]
        constraints = [
            models.CheckConstraint(
                name="payment_refund_is_negative_and_names_its_payment",
                condition=(Q(refund_of__isnull=True) & Q(amount_cents__gt=0))
                | (Q(refund_of__isnull=False) & Q(amount_cents__lt=0)),
            )
        ]

    def __str__(self) -> str:
        kind = "Refund" if self.refund_of_id else "Payment"
        return f"{kind} {self.pk}: {money(self.amount_cents)}"

    @property
    def is_refund(self) -> bool:
        return self.refund_of_id is not None

    @property
    def received_on(self) -> dt.date:
        from django.utils import timezone

        return timezone.localdate(self.received_at)
