"""Celery tasks: thin, they take ids and call dispatch. Each may run twice without harm.

Redis carries only these two nudges; the messages themselves wait in PostgreSQL, so a
lost or repeated task loses or repeats nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task

from portal.notifications.dispatch import notification_send_now, notifications_dispatch_due

logger = logging.getLogger(__name__)


@shared_task(name="portal.notifications.tasks.notifications_sweep")
def notifications_sweep() -> int:
    """Beat's every-minute sweep: send a batch of due messages; a full batch means more
    are waiting, so hand the rest to the next free worker straight away."""
    result = notifications_dispatch_due()
    from django.conf import settings

    if result.handled >= settings.NOTIFY_BATCH_SIZE:
        try:
            notifications_sweep.apply_async(retry=False)
        except Exception:  # no broker: the next beat tick carries on
            logger.warning("could not queue a follow-up sweep; beat will")
    return result.sent


@shared_task(name="portal.notifications.tasks.notification_send")
def notification_send(notification_id: int) -> int:
    """Send one message now (written due now, or retried by staff)."""
    return notification_send_now(notification_id=notification_id).sent
