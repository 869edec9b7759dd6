"""Integration: therapy in the post-session window, mood and symptom tracking."""

from __future__ import annotations

from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "Integration"

    def ready(self) -> None:
        from integration import demo, panels, services
        from integration.chart import integration_section
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
        from treatments.hooks import register_session_discharged

        register_nav(NavItem("How I'm doing", "integration:trends", Capability.PATIENT_SELF, 60))
        register_nav(NavItem("Journal", "integration:journal-list", Capability.PATIENT_SELF, 65))
        register_home_panel(
            HomePanel("patient", "integration/_patient_panel.html", panels.patient_panel, 60)
        )
        register_nav(
            NavItem("Integration windows", "integration:window-list", Capability.SCHEDULE_VIEW, 70)
        )
        for home in ("front_desk", "clinician"):
            register_home_panel(
                HomePanel(home, "integration/_staff_windows_panel.html", panels.staff_panel, 70)
            )
        register_chart_section(ChartSection("integration", integration_section, order=50))
        register_session_discharged(services.on_session_discharged)
        register_demo_seeder(DemoSeeder("integration: mood and PHQ-9 history", demo.seed, 60))
