"""Document URLs, added to intake's (same namespace)."""

from __future__ import annotations

from django.urls import path

from intake import document_views

urlpatterns = [
    path("documents/", document_views.my_documents, name="my-documents"),
    path(
        "documents/<int:document_id>/file/",
        document_views.document_download,
        name="document-download",
    ),
    path(
        "staff/patients/<int:patient_id>/documents/",
        document_views.staff_patient_documents,
        name="staff-patient-documents",
    ),
]
