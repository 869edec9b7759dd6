from __future__ import annotations

from django.urls import include, path

from scheduling import telehealth_views, views

app_name = "scheduling"

urlpatterns = [
    # The patient
    path("requests/new/", views.request_create, name="request-create"),
    path("appointments/", views.appointment_list, name="appointment-list"),
    path("requests/<int:request_id>/cancel/", views.request_cancel, name="request-cancel"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        views.appointment_cancel_view,
        name="appointment-cancel",
    ),
    path(
        "appointments/<int:appointment_id>/reschedule/",
        views.appointment_reschedule_request_view,
        name="appointment-reschedule",
    ),
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        views.appointment_ics,
        name="appointment-ics",
    ),
    # The front desk
    path("desk/requests/", views.request_queue_view, name="request-queue"),
    path("desk/requests/<int:request_id>/", views.request_confirm, name="request-confirm"),
    path("desk/requests/<int:request_id>/decline/", views.request_decline, name="request-decline"),
    path("desk/day/", views.day_view_page, name="day-view"),
    path(
        "desk/appointments/<int:appointment_id>/status/",
        views.appointment_status,
        name="appointment-status",
    ),
    path(
        "desk/appointments/<int:appointment_id>/cancel/",
        views.desk_appointment_cancel,
        name="desk-appointment-cancel",
    ),
    # Billing: prices, estimates, payments (scheduling/billing_urls.py)
    path("desk/telehealth/", telehealth_views.telehealth_list, name="telehealth-list"),
    path(
        "appointments/<int:appointment_id>/join/",
        telehealth_views.telehealth_join,
        name="telehealth-join",
    ),
    path("", include("scheduling.billing_urls")),
    # The waitlist for freed chairs (scheduling/waitlist_urls.py)
    path("", include("scheduling.waitlist_urls")),
]
