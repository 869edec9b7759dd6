"""Celery tasks of treatments: thin, each calls one service and may run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="treatments.tasks.readiness_checks_schedule")
def readiness_checks_schedule() -> int:
    """Beat: write the evening-before check for dosing visits of the next two days."""
    from treatments.services import readiness_checks_schedule as schedule

    return schedule()
