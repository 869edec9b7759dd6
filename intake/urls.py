from __future__ import annotations

from django.urls import path

from intake import consent_urls, document_urls, views

app_name = "intake"

urlpatterns = [
    path("", views.intake_start, name="intake-start"),
    path("step/<slug:step>/", views.intake_step, name="intake-step"),
    path("support/", views.intake_support, name="intake-support"),
    path("status/", views.intake_status, name="intake-status"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:intake_id>/", views.review_detail, name="review-detail"),
    path("review/<int:intake_id>/decide/", views.review_decide, name="review-decide"),
    path("review/<int:intake_id>/rems/", views.rems_record, name="rems-record"),
    path("board/", views.status_board, name="status-board"),
]

urlpatterns += consent_urls.urlpatterns + document_urls.urlpatterns
