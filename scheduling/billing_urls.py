"""Billing's URLs, included from scheduling/urls.py (names in the scheduling namespace)."""

from __future__ import annotations

from django.urls import path

from scheduling import billing_views as views

urlpatterns = [
    path("billing/", views.billing_page, name="billing"),
    path("billing/estimates/ask/", views.estimate_ask, name="estimate-ask"),
    path(
        "billing/estimates/<int:estimate_id>.pdf",
        views.estimate_download,
        name="estimate-download",
    ),
    path("desk/billing/estimates-due/", views.estimates_due_page, name="estimates-due"),
    path(
        "desk/billing/estimates-due/<int:patient_id>/issue/",
        views.estimate_issue_now,
        name="estimate-issue",
    ),
    path("billing/receipts/<int:payment_id>.pdf", views.receipt_download, name="receipt-download"),
    path("desk/billing/patients/<int:patient_id>/", views.account_page, name="billing-account"),
    path("billing/superbill/", views.superbill_download, name="superbill"),
    path(
        "desk/billing/patients/<int:patient_id>/superbill/",
        views.account_superbill,
        name="billing-account-superbill",
    ),
    path("clinic/patients/<int:patient_id>/diagnoses/", views.diagnoses_page, name="diagnoses"),
    path(
        "clinic/diagnoses/<int:diagnosis_id>/retire/",
        views.diagnosis_retire,
        name="diagnosis-retire",
    ),
]
