from __future__ import annotations

from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("appointments/", views.appointment_list, name="appointment-list"),
]
