"""Integration: therapy in the post-session window, mood and symptom tracking."""

from __future__ import annotations

from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "Integration"

    def ready(self) -> None:
        from integration import demo, panels
        from portal.extensions import (
            DemoSeeder,
            HomePanel,
            NavItem,
            register_demo_seeder,
            register_home_panel,
            register_nav,
        )
        from portal.permissions import Capability

        register_nav(NavItem("How I'm doing", "integration:trends", Capability.PATIENT_SELF, 60))
        register_nav(NavItem("Journal", "integration:journal-list", Capability.PATIENT_SELF, 65))
        register_home_panel(
            HomePanel("patient", "integration/_patient_panel.html", panels.patient_panel, 60)
        )
        register_demo_seeder(DemoSeeder("integration: mood and PHQ-9 history", demo.seed, 60))
