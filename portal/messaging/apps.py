from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "portal.messaging"
    label = "messaging"
    verbose_name = "Secure messages"

    def ready(self) -> None:
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
        from portal.messaging.chart import messages_section
        from portal.messaging.demo import seed as seed_demo
        from portal.messaging.panels import patient_panel, staff_panel
        from portal.permissions import Capability

        register_nav(NavItem(_("Messages"), "messaging:inbox", Capability.PATIENT_SELF, 60))
        register_nav(NavItem("Messages", "messaging:staff-inbox", Capability.MESSAGES_DESK, 60))
        register_nav(NavItem("Messages", "messaging:staff-inbox", Capability.MESSAGES_CARE, 61))
        register_home_panel(
            HomePanel("patient", "messaging/_panel_patient.html", patient_panel, 40)
        )
        for home in ("front_desk", "clinician"):
            register_home_panel(HomePanel(home, "messaging/_panel_staff.html", staff_panel, 15))
        register_chart_section(ChartSection("messaging: threads", messages_section, 90))
        register_demo_seeder(DemoSeeder("messaging: a parking question, answered", seed_demo, 950))
