from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from portal.extensions import (
            DemoSeeder,
            NavItem,
            register_demo_seeder,
            register_nav,
        )
        from portal.notifications.demo import seed_demo_reminder
        from portal.permissions import Capability

        register_nav(
            NavItem(_("Reminders"), "notifications:preference-edit", Capability.PATIENT_SELF, 90)
        )
        register_nav(NavItem("Outbox", "notifications:outbox-list", Capability.OUTBOX_MONITOR, 90))
        register_demo_seeder(
            DemoSeeder(
                "notifications: a reminder due now for the demo patient", seed_demo_reminder, 900
            )
        )
