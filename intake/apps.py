"""Intake: screening instruments, medical history, contraindication rules, review."""

from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake import panels
        from intake.chart import intake_section
        from intake.demo import seed_demo_intakes
        from portal.extensions import (
            ChartSection,
            DemoSeeder,
            HomePanel,
            NavItem,
            register_chart_section,
            register_demo_seeder,
            register_home_panel,
            register_nav,
        )
        from portal.permissions import Capability

        register_nav(NavItem("Intake", "intake:intake-start", Capability.PATIENT_SELF, order=10))
        register_nav(
            NavItem("Intake review", "intake:review-queue", Capability.CLINICAL_VIEW, order=10)
        )
        register_nav(
            NavItem("Intake status", "intake:status-board", Capability.SCHEDULE_MANAGE, order=30)
        )
        register_home_panel(
            HomePanel("patient", "intake/_panel_patient.html", panels.patient_panel, order=10)
        )
        register_nav(
            NavItem("Forms to sign", "intake:consent-list", Capability.PATIENT_SELF, order=12)
        )
        register_nav(
            NavItem("My documents", "intake:my-documents", Capability.PATIENT_SELF, order=13)
        )
        register_home_panel(
            HomePanel(
                "patient", "intake/consents/_panel_patient.html", panels.consents_panel, order=12
            )
        )
        register_home_panel(
            HomePanel("clinician", "intake/_panel_clinician.html", panels.clinician_panel, order=10)
        )
        register_chart_section(ChartSection("intake", intake_section, order=20))
        register_demo_seeder(DemoSeeder("intake", seed_demo_intakes, order=20))
