"""Scheduling: payers, appointment requests, the front-desk queue, appointments."""

from __future__ import annotations

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from portal.extensions import (
            ChartSection,
            DemoSeeder,
            HomePanel,
            NavItem,
            PatientLink,
            register_chart_section,
            register_demo_seeder,
            register_home_panel,
            register_nav,
            register_patient_link,
        )
        from portal.permissions import Capability
        from scheduling import demo, hooks, panels, waitlist_demo, waitlist_selectors
        from scheduling.chart import scheduling_section
        from scheduling.waitlist_services import on_appointment_moved, on_appointment_status_changed

        register_nav(
            NavItem("Appointments", "scheduling:appointment-list", Capability.PATIENT_SELF, 20)
        )
        register_nav(
            NavItem("Requests", "scheduling:request-queue", Capability.SCHEDULE_MANAGE, 10)
        )
        register_nav(NavItem("Day view", "scheduling:day-view", Capability.SCHEDULE_VIEW, 11))
        register_nav(
            NavItem("Video visits", "scheduling:telehealth-list", Capability.TELEHEALTH_LINK, 14)
        )
        register_nav(NavItem("Billing", "scheduling:billing", Capability.PATIENT_SELF, 25))
        register_nav(
            NavItem("Estimates due", "scheduling:estimates-due", Capability.BILLING_MANAGE, 12)
        )
        register_home_panel(
            HomePanel("patient", "scheduling/_panel_patient.html", panels.patient_panel, order=20)
        )
        register_home_panel(
            HomePanel(
                "front_desk", "scheduling/_panel_front_desk.html", panels.front_desk_panel, order=10
            )
        )
        register_chart_section(ChartSection("scheduling", scheduling_section, order=30))
        register_patient_link(
            PatientLink("Billing", "scheduling:billing-account", Capability.BILLING_MANAGE, 10)
        )
        register_demo_seeder(DemoSeeder("scheduling", demo.seed, order=20))
        # The waitlist (scheduling/waitlist_*.py): a cancelled visit's time, and a moved
        # visit's old time, is offered to the waiting patients it fits, inside the
        # cancellation's or the move's transaction.
        hooks.register_appointment_status_changed(on_appointment_status_changed)
        hooks.register_appointment_moved(on_appointment_moved)
        register_demo_seeder(DemoSeeder("scheduling-waitlist", waitlist_demo.seed, order=21))
        register_nav(NavItem("Waitlist", "scheduling:waitlist", Capability.PATIENT_SELF, 22))
        # The desk's way in is a home card (the staff navigation has no room left).
        register_home_panel(
            HomePanel(
                "front_desk",
                "scheduling/waitlist/_panel_front_desk.html",
                waitlist_selectors.front_desk_panel,
                order=11,
            )
        )
        register_patient_link(
            PatientLink("Waitlist", "scheduling:waitlist-patient", Capability.SCHEDULE_MANAGE, 20)
        )
