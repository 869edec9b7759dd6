"""Consent pages: the patient's forms to sign, signing one, the signed copy as PDF; the
staff's view of a patient's consents (every staff read audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intake.consent_forms import ConsentSignForm
from intake.consent_models import ConsentDocument
from intake.consent_pdf import signed_consent_pdf
from intake.consent_selectors import consent_rows, current_document, signature_for_download
from intake.consent_services import consent_sign
from portal.audit import audit_clinical_read, audit_record, client_ip
from portal.forms import add_service_errors
from portal.models import Role, User
from portal.permissions import Capability, access_patient_object, require


@require_GET
@require(Capability.PATIENT_SELF)
def consent_list(request: HttpRequest) -> HttpResponse:
    rows = consent_rows(patient=request.user)
    return render(
        request,
        "intake/consents/consent_list.html",
        {
            "due": [r for r in rows if r.due],
            "signed": [r for r in rows if not r.due],
        },
    )


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def consent_sign_page(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(ConsentDocument, pk=document_id)
    current = current_document(kind=document.kind)
    if current is None:
        raise Http404
    if current.pk != document.pk:
        messages.info(request, _("This form has a newer version. Here it is."))
        return redirect("intake:consent-sign", document_id=current.pk)
    already = document.signatures.filter(patient=request.user).first()
    if request.method == "POST" and already is not None:
        messages.info(request, _("You have already signed this version."))
        return redirect("intake:consent-list")
    form = ConsentSignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_sign(
                patient=request.user,
                document=document,
                typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"],
                esign_consent=form.cleaned_data["esign_consent"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. \u201c%(title)s\u201d is signed.") % {"title": document.title},
            )
            return redirect("intake:consent-list")
    return render(
        request,
        "intake/consents/consent_sign.html",
        {"document": document, "form": form, "already": already},
    )


@require_GET
@require(Capability.PATIENT_SELF, Capability.PAPERWORK_VIEW)
def consent_download(request: HttpRequest, signature_id: int) -> HttpResponse:
    """The signed copy: a patient their own (another id is a 404), staff any (audited)."""
    signature = access_patient_object(
        request.user,
        signature_for_download(),
        staff_capability=Capability.PAPERWORK_VIEW,
        pk=signature_id,
    )
    audit_record(
        actor=request.user,
        action="consent.signed_copy.download",
        patient=signature.patient,
        obj=signature,
        request=request,
    )
    response = HttpResponse(signed_consent_pdf(signature), content_type="application/pdf")
    filename = f"signed-{signature.document.kind}-v{signature.document.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require(Capability.PAPERWORK_VIEW)
def staff_patient_consents(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role=Role.PATIENT
    )
    rows = consent_rows(patient=patient)
    audit_clinical_read(request=request, action="consent.status.view", patient=patient)
    return render(
        request,
        "intake/consents/staff_patient_consents.html",
        {"patient": patient, "rows": rows},
    )
