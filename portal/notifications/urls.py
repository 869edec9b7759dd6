from __future__ import annotations

from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preference_edit, name="preference-edit"),
    path("outbox/", views.outbox_list, name="outbox-list"),
    path("outbox/<int:notification_id>/retry/", views.outbox_retry, name="outbox-retry"),
]
