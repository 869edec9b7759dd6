from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views

# The Django admin logs in through allauth, so it gets the same rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Clinic portal administration"

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("patient/", views.patient_home, name="patient-home"),
        path("patient/profile/", views.profile_edit, name="profile-edit"),
        path("front-desk/", views.front_desk_home, name="front-desk-home"),
        path("clinician/", views.clinician_home, name="clinician-home"),
        path(
            "clinician/alerts/<int:alert_id>/resolve/",
            views.staff_alert_resolve_view,
            name="alert-resolve",
        ),
        path("staff/patients/", views.patient_search, name="patient-search"),
        path("staff/patients/<int:patient_id>/", views.patient_chart, name="patient-chart"),
        path("healthz", views.healthz, name="healthz"),
        path("language/", views.language_set, name="language-set"),
        # A staff member's emailed invitation (set the password and the authenticator).
        path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    ],
    "portal",
)

# The 500 page is drawn without the request (see portal.views.server_error).
handler500 = "portal.views.server_error"
# A refused page records who was refused (portal.audit), then draws 403.html.
handler403 = "portal.views.permission_denied"

urlpatterns = [
    path("", include(portal_patterns)),
    path("favicon.ico", views.favicon),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("intake/", include("intake.urls")),
    path("scheduling/", include("scheduling.urls")),
    path("treatments/", include("treatments.urls")),
    path("integration/", include("integration.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("messages/", include("portal.messaging.urls")),
]
