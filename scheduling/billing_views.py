"""Billing pages: the patient's billing page, estimate, receipt and superbill PDFs, the
desk's estimates due and payments, a prescriber's diagnosis codes.
Thin: check access, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit import audit_clinical_read, audit_record
from portal.forms import add_service_errors
from portal.models import User
from portal.permissions import Capability, access_patient_object, require
from scheduling import billing_selectors as selectors
from scheduling import billing_services as services
from scheduling.billing_forms import DiagnosisForm, PaymentForm, SuperbillForm
from scheduling.billing_models import DiagnosisCode, GoodFaithEstimate, Payment
from scheduling.billing_pdf import estimate_pdf, receipt_pdf, superbill_pdf


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _superbill_form(data: dict | None = None) -> SuperbillForm:
    """Unbound, it offers this year so far (what a claim usually covers)."""
    today = timezone.localdate()
    return SuperbillForm(data, initial={"start": today.replace(month=1, day=1), "end": today})


def _render_billing_page(request: HttpRequest, superbill_form: SuperbillForm) -> HttpResponse:
    return render(
        request,
        "scheduling/billing/billing_page.html",
        {
            "estimates": selectors.estimates_for_patient(patient=request.user),
            "account": selectors.account_for_patient(patient=request.user),
            "superbill_form": superbill_form,
        },
    )


@require_GET
@require(Capability.PATIENT_SELF)
def billing_page(request: HttpRequest) -> HttpResponse:
    return _render_billing_page(request, _superbill_form())


def _superbill_response(request: HttpRequest, patient: User, form: SuperbillForm) -> HttpResponse:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    bill = selectors.superbill_for(patient=patient, start=start, end=end)
    # The superbill prints diagnosis codes: every download is on the record, whoever asks.
    audit_record(actor=request.user, action="superbill.download", patient=patient, request=request)
    return _pdf(superbill_pdf(bill), f"superbill-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


@require_GET
@require(Capability.PATIENT_SELF)
def superbill_download(request: HttpRequest) -> HttpResponse:
    form = _superbill_form(request.GET)
    if not form.is_valid():
        return _render_billing_page(request, form)
    return _superbill_response(request, request.user, form)


@require_POST
@require(Capability.PATIENT_SELF)
def estimate_ask(request: HttpRequest) -> HttpResponse:
    try:
        services.estimate_request(patient=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your good-faith estimate is ready below."))
    return redirect("scheduling:billing")


@require_GET
@require(Capability.PATIENT_SELF, Capability.BILLING_MANAGE)
def estimate_download(request: HttpRequest, estimate_id: int) -> HttpResponse:
    estimate = access_patient_object(
        request.user,
        GoodFaithEstimate.objects.select_related("patient__patient_profile").prefetch_related(
            "lines"
        ),
        staff_capability=Capability.BILLING_MANAGE,
        pk=estimate_id,
    )
    return _pdf(estimate_pdf(estimate), f"good-faith-estimate-{estimate.pk}.pdf")


@require_GET
@require(Capability.BILLING_MANAGE)
def estimates_due_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/billing/estimates_due.html",
        {"rows": selectors.estimates_due(), "today": timezone.localdate()},
    )


@require_POST
@require(Capability.BILLING_MANAGE)
def estimate_issue_now(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role="patient"
    )
    if services.estimate_issue_due(patient_id=patient.pk) is None:
        messages.error(request, "No estimate was issued: see the reason on the list.")
    else:
        messages.success(request, "Estimate issued; the patient has been told it is ready.")
    return redirect("scheduling:estimates-due")


@require_GET
@require(Capability.PATIENT_SELF, Capability.BILLING_MANAGE)
def receipt_download(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = access_patient_object(
        request.user,
        Payment.objects.select_related("patient", "patient__patient_profile", "refund_of"),
        staff_capability=Capability.BILLING_MANAGE,
        pk=payment_id,
    )
    return _pdf(receipt_pdf(payment), f"receipt-{payment.pk}.pdf")


@require_http_methods(["GET", "POST"])
@require(Capability.BILLING_MANAGE)
def account_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The desk's view of one patient's billing: no diagnoses, no clinical data."""
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role="patient"
    )
    form = PaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(
                patient=patient,
                method=form.cleaned_data["method"],
                amount_cents=form.amount_cents(),
                by=request.user,
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Payment recorded; the receipt is on the patient's page.")
            return redirect("scheduling:billing-account", patient_id=patient.pk)
    return _render_account(request, patient, form, _superbill_form())


def _render_account(
    request: HttpRequest, patient: User, form: PaymentForm, superbill_form: SuperbillForm
) -> HttpResponse:
    return render(
        request,
        "scheduling/billing/account.html",
        {
            "patient": patient,
            "form": form,
            "superbill_form": superbill_form,
            "account": selectors.account_for_patient(patient=patient),
            "estimates": selectors.estimates_for_patient(patient=patient),
        },
    )


@require_GET
@require(Capability.BILLING_MANAGE)
def account_superbill(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The desk prints a patient's superbill (the patient asked at the desk)."""
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role="patient"
    )
    form = _superbill_form(request.GET)
    if not form.is_valid():
        return _render_account(request, patient, PaymentForm(), form)
    return _superbill_response(request, patient, form)


@require_http_methods(["GET", "POST"])
@require(Capability.CLINICAL_DECIDE)
def diagnoses_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A prescriber records the diagnosis codes that a patient's superbills print."""
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role="patient"
    )
    form = DiagnosisForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnosis_record(
                patient=patient,
                code=form.cleaned_data["code"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Diagnosis code recorded.")
            return redirect("scheduling:diagnoses", patient_id=patient.pk)
    audit_clinical_read(request=request, action="diagnoses.view", patient=patient)
    return render(
        request,
        "scheduling/billing/diagnoses.html",
        {"patient": patient, "form": form, "diagnoses": selectors.diagnoses_for(patient=patient)},
    )


@require_POST
@require(Capability.CLINICAL_DECIDE)
def diagnosis_retire(request: HttpRequest, diagnosis_id: int) -> HttpResponse:
    diagnosis = get_object_or_404(DiagnosisCode, pk=diagnosis_id)
    try:
        services.diagnosis_retire(diagnosis=diagnosis, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{diagnosis.code} taken off the list.")
    return redirect("scheduling:diagnoses", patient_id=diagnosis.patient_id)
