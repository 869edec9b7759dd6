"""Treatments: protocols, courses, dosing sessions, discharge, aftercare, boosters."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest


def _patient_panel(request: HttpRequest) -> dict[str, Any]:
    from treatments import selectors

    return {
        "course_views": selectors.open_courses_for_panel(patient=request.user),
        "aftercare": selectors.aftercare_due(patient=request.user),
        "next_dose": selectors.next_dosing_visit(patient=request.user),
    }


def _clinician_panel(request: HttpRequest) -> dict[str, Any]:
    from treatments import selectors

    due = selectors.rems_forms_due()
    return {
        "sessions_today": selectors.sessions_for_day(),
        "rems_due": len(due),
        "rems_overdue": sum(1 for d in due if d.window.overdue),
    }


def _front_desk_panel(request: HttpRequest) -> dict[str, Any]:
    from treatments import selectors

    return {
        "needing": list(selectors.courses_needing_scheduling(limit=10)),
        "to_call": len(selectors.call_list()),
    }


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments"

    def ready(self) -> None:
        from portal.extensions import (
            DemoSeeder,
            HomePanel,
            NavItem,
            register_demo_seeder,
            register_home_panel,
            register_nav,
        )
        from portal.permissions import Capability
        from scheduling.hooks import register_appointment_status_changed, register_day_visit_notes
        from treatments.demo import seed_demo_course
        from treatments.selectors import visit_readiness
        from treatments.services import on_appointment_status_changed

        register_appointment_status_changed(on_appointment_status_changed)
        register_day_visit_notes(visit_readiness)

        register_nav(NavItem("My treatment", "treatments:my-courses", Capability.PATIENT_SELF, 30))
        register_nav(NavItem("Courses", "treatments:course-list", Capability.SCHEDULE_VIEW, 40))
        register_nav(
            NavItem("Sessions today", "treatments:session-board", Capability.SCHEDULE_VIEW, 41)
        )
        register_nav(NavItem("REMS forms", "treatments:rems-forms", Capability.CLINICAL_VIEW, 42))
        register_home_panel(
            HomePanel("patient", "treatments/_panel_patient.html", _patient_panel, order=30)
        )
        register_home_panel(
            HomePanel("clinician", "treatments/_panel_clinician.html", _clinician_panel, order=30)
        )
        register_home_panel(
            HomePanel(
                "front_desk", "treatments/_panel_front_desk.html", _front_desk_panel, order=30
            )
        )
        from treatments.chart import register as register_chart_section  # the staff chart

        register_chart_section()
        register_demo_seeder(DemoSeeder("treatments", seed_demo_course, order=40))
