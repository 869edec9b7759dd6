"""Consent URLs, added to intake's (same namespace)."""

from __future__ import annotations

from django.urls import path

from intake import consent_views

urlpatterns = [
    path("consents/", consent_views.consent_list, name="consent-list"),
    path("consents/<int:document_id>/sign/", consent_views.consent_sign_page, name="consent-sign"),
    path(
        "consents/signed/<int:signature_id>/pdf/",
        consent_views.consent_download,
        name="consent-download",
    ),
    path(
        "staff/patients/<int:patient_id>/consents/",
        consent_views.staff_patient_consents,
        name="staff-patient-consents",
    ),
]
