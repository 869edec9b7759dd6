"""Document pages: the patient's "My documents" (upload, see, download their own) and the
staff's per-patient page. Every download is permission-checked and audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intake.document_forms import DocumentUploadForm
from intake.document_selectors import documents_for_download, latest_documents
from intake.document_services import document_upload
from portal.audit import audit_clinical_read, audit_record
from portal.models import Role, User
from portal.permissions import Capability, access_patient_object, require


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def my_documents(request: HttpRequest) -> HttpResponse:
    bound = request.method == "POST"
    form = DocumentUploadForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        try:
            document = document_upload(
                patient=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                _("Thank you. %(document)s is uploaded.")
                % {"document": document.get_kind_display()},
            )
            return redirect("intake:my-documents")
    return render(
        request,
        "intake/documents/my_documents.html",
        {"form": form, "rows": latest_documents(patient=request.user)},
    )


@require_GET
@require(Capability.PATIENT_SELF, Capability.PAPERWORK_VIEW)
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    """A patient their own (any other id is a 404); staff any patient's. Audited."""
    document = access_patient_object(
        request.user,
        documents_for_download(),
        staff_capability=Capability.PAPERWORK_VIEW,
        pk=document_id,
    )
    audit_record(
        actor=request.user,
        action="document.download",
        patient=document.patient,
        obj=document,
        request=request,
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=not document.is_image,
        filename=document.download_name,
    )
    response["Cache-Control"] = "no-store"
    # Even an image opened on its own runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_GET
@require(Capability.PAPERWORK_VIEW)
def staff_patient_documents(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role=Role.PATIENT
    )
    rows = latest_documents(patient=patient)
    audit_clinical_read(request=request, action="document.list.view", patient=patient)
    return render(
        request,
        "intake/documents/staff_patient_documents.html",
        {"patient": patient, "rows": rows},
    )
