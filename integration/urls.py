from __future__ import annotations

from django.urls import path

from integration import views

app_name = "integration"

urlpatterns = [
    path("trends/", views.trends, name="trends"),
    path("mood/", views.mood_edit, name="mood-edit"),
    path("checkin/<str:instrument>/", views.checkin_create, name="checkin-create"),
    path("checkins/<int:checkin_id>/", views.checkin_detail, name="checkin-detail"),
    path("journal/", views.journal_list, name="journal-list"),
    path("journal/new/", views.journal_create, name="journal-create"),
    path("journal/<int:entry_id>/", views.journal_edit, name="journal-edit"),
    path("patients/<int:patient_id>/trends/", views.patient_trends, name="patient-trends"),
]
urlpatterns += [
    path("sessions/<int:session_id>/slots/", views.slot_list, name="slot-list"),
    path("sessions/<int:session_id>/book/", views.booking_create, name="booking-create"),
    path("windows/", views.window_list, name="window-list"),
]
