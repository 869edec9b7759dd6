"""The waitlist's URLs, included from scheduling/urls.py (names in the scheduling
namespace)."""

from __future__ import annotations

from django.urls import path

from scheduling import waitlist_views as views

urlpatterns = [
    path("waitlist/", views.waitlist_page, name="waitlist"),
    path("waitlist/<int:entry_id>/leave/", views.waitlist_leave, name="waitlist-leave"),
    path(
        "waitlist/offers/<int:offer_id>/claim/",
        views.waitlist_offer_claim,
        name="waitlist-offer-claim",
    ),
    path("desk/waitlist/", views.waitlist_desk, name="waitlist-desk"),
    path(
        "desk/waitlist/patients/<int:patient_id>/",
        views.waitlist_patient,
        name="waitlist-patient",
    ),
    path(
        "desk/waitlist/entries/<int:entry_id>/leave/",
        views.waitlist_desk_leave,
        name="waitlist-desk-leave",
    ),
]
