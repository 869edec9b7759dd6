from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        import portal.i18n  # noqa: F401  (connects the sign-in signal: the profile language)
        from portal.chart import alerts_section
        from portal.extensions import ChartSection, register_chart_section

        register_chart_section(ChartSection("portal: alerts", alerts_section, 10))
