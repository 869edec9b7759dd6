"""Celery tasks of scheduling: thin, each calls one service and may run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="scheduling.tasks.waitlist_offers_expire")
def waitlist_offers_expire() -> int:
    """Beat: close waitlist offers whose time ran out (scheduling.waitlist_services)."""
    from scheduling.waitlist_services import waitlist_offers_expire as expire

    return expire()
