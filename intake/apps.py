"""Intake: screening instruments, medical history, contraindication rules, review."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest


def _patient_panel(request: HttpRequest) -> dict[str, Any]:
    from intake.selectors import intake_summary_for_patient

    summary = intake_summary_for_patient(patient=request.user)
    return {"intake": summary, "percent": summary.percent if summary is not None else None}


def _clinician_panel(request: HttpRequest) -> dict[str, Any]:
    from intake.selectors import awaiting_review_counts

    awaiting, urgent = awaiting_review_counts()
    return {"awaiting": awaiting, "urgent": urgent}


def _consents_panel(request: HttpRequest) -> dict[str, Any]:
    from intake.consent_selectors import due_count

    return {"due": due_count(patient=request.user)}


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake.demo import seed_demo_intakes
        from portal.extensions import (
            DemoSeeder,
            HomePanel,
            NavItem,
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
            HomePanel("patient", "intake/_panel_patient.html", _patient_panel, order=10)
        )
        register_nav(
            NavItem("Forms to sign", "intake:consent-list", Capability.PATIENT_SELF, order=12)
        )
        register_nav(
            NavItem("My documents", "intake:my-documents", Capability.PATIENT_SELF, order=13)
        )
        register_home_panel(
            HomePanel("patient", "intake/consents/_panel_patient.html", _consents_panel, order=12)
        )
        register_home_panel(
            HomePanel("clinician", "intake/_panel_clinician.html", _clinician_panel, order=10)
        )
        register_demo_seeder(DemoSeeder("intake", seed_demo_intakes, order=20))
