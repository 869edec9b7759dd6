from __future__ import annotations

from django.urls import path

from portal.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.thread_new, name="thread-new"),
    path("<int:thread_id>/", views.thread, name="thread"),
    path("staff/", views.staff_inbox, name="staff-inbox"),
    path("staff/<int:thread_id>/", views.staff_thread, name="staff-thread"),
    path("staff/<int:thread_id>/take/", views.thread_take, name="thread-take"),
    path("staff/<int:thread_id>/close/", views.thread_close, name="thread-close"),
]
