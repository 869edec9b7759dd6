from __future__ import annotations

from django.urls import path

from treatments import views

app_name = "treatments"

urlpatterns = [
    # Staff
    path("courses/", views.course_list, name="course-list"),
    path("courses/start/<int:patient_id>/", views.course_start, name="course-start"),
    path("courses/<int:course_id>/", views.course_detail, name="course-detail"),
    path("courses/<int:course_id>/booster/", views.course_booster, name="course-booster"),
    path("courses/<int:course_id>/stop/", views.course_stop, name="course-stop"),
    path("courses/<int:course_id>/schedule/", views.course_schedule, name="course-schedule"),
    path(
        "courses/<int:course_id>/schedule/<int:planned_id>/",
        views.planned_place,
        name="planned-place",
    ),
    path("sessions/today/", views.session_board, name="session-board"),
    path("visits/<int:appointment_id>/chart/", views.session_start, name="session-start"),
    path("visits/<int:appointment_id>/check-in/", views.visit_check_in, name="visit-check-in"),
    path("sessions/<int:session_id>/", views.session_chart, name="session-chart"),
    path(
        "sessions/<int:session_id>/discharge/",
        views.session_discharge,
        name="session-discharge",
    ),
    path(
        "sessions/<int:session_id>/readiness/",
        views.session_readiness_override,
        name="session-readiness-override",
    ),
    path(
        "sessions/<int:session_id>/tell-escort/",
        views.session_tell_escort,
        name="session-tell-escort",
    ),
    path("desk/call-list/", views.call_list, name="call-list"),
    path("rems/", views.rems_forms, name="rems-forms"),
    path("rems/<int:form_id>/print/", views.rems_form_print, name="rems-form-print"),
    path("rems/<int:form_id>/submit/", views.rems_form_submit, name="rems-form-submit"),
    # Patients
    path("my/", views.my_courses, name="my-courses"),
    path("my/sessions/<int:session_id>/aftercare/", views.aftercare, name="aftercare"),
    path("my/sessions/<int:session_id>/checkin/", views.checkin, name="checkin"),
    path("my/escort/", views.escort_edit, name="my-escort"),
    path("my/visits/<int:appointment_id>/", views.my_visit, name="my-visit"),
    path("my/visits/<int:appointment_id>/escort/", views.escort_edit, name="visit-escort"),
    path("my/visits/<int:appointment_id>/ready/", views.readiness, name="readiness"),
]
