"""Reads of the outbox and alerts that pages need."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.formats import clinic_zone
from portal.models import User
from portal.notifications import timing
from portal.notifications.kinds import URGENT_KINDS
from portal.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    StaffAlert,
)
from portal.pagination import CountedPaginator

logger = logging.getLogger(__name__)


def preference_for(user: User) -> NotificationPreference | None:
    return NotificationPreference.objects.filter(user=user).first()


def preference_zone(preference: NotificationPreference | None) -> ZoneInfo:
    """The zone a patient's quiet hours are kept in: theirs if they chose one."""
    if preference is not None and preference.time_zone:
        try:
            return ZoneInfo(preference.time_zone)
        except (KeyError, ValueError):
            logger.warning("unknown time zone %r; using the clinic's", preference.time_zone)
    return clinic_zone()


def effective_send_at(
    *, send_at: dt.datetime, kind: str, channel: str, preference: NotificationPreference | None
) -> dt.datetime:
    """When a message may really go: texts wait for the end of quiet hours, alerts never wait.
    Someone who never saved their quiet hours has the default ones (21:00 to 08:00).
    The one quiet-hours rule: when a text is written (services) and again when it is sent
    (dispatch), as the patient may have chosen quiet hours in between. Here, not in
    services, because dispatch may not import services (tests/test_layers.py: no cycle)."""
    if channel != Channel.SMS or kind in URGENT_KINDS:
        return send_at
    preference = preference or NotificationPreference()
    return timing.quiet_hours_release(
        send_at,
        preference.quiet_hours_start,
        preference.quiet_hours_end,
        preference_zone(preference),
    )


def staff_alerts_open(*, limit: int = 50) -> QuerySet[StaffAlert]:
    return (
        StaffAlert.objects.filter(resolved_at__isnull=True)
        .select_related("patient", "patient__patient_profile")
        .order_by("-urgent", "-created_at")[:limit]
    )


def notification_preference_get(*, user: User) -> NotificationPreference:
    """The saved choice, or the defaults (email, quiet 21:00-08:00) unsaved."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


OUTBOX_PAGE_SIZE = 50


def notifications_failed() -> QuerySet[Notification]:
    return (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("recipient", "recipient__patient_profile")
        .order_by("-updated_at", "-id")
    )


def notifications_failed_page(
    *, page: int | str | None, total: int, size: int = OUTBOX_PAGE_SIZE
) -> Page:
    """One page of the failed messages, latest first; `total` (outbox_health's count of
    failed) numbers the pages, and a page number out of range gives the nearest page."""
    return CountedPaginator(notifications_failed(), size, count=total).get_page(page)


def outbox_health(*, late_after: dt.timedelta = dt.timedelta(minutes=5)) -> dict[str, int]:
    """Counts for the staff page: what waits, what is late (workers down?), what failed.

    Three counts, each over one partial index (pending, failed, sent by time), so the
    cost follows the backlog and the day's mail, never the size of the whole outbox.
    """
    now = timezone.now()
    status = Notification.Status
    health = Notification.objects.filter(status=status.PENDING).aggregate(
        pending=Count("id"), late=Count("id", filter=Q(send_at__lt=now - late_after))
    )
    health["failed"] = Notification.objects.filter(status=status.FAILED).count()
    health["sent_today"] = Notification.objects.filter(
        status=status.SENT, sent_at__gte=now - dt.timedelta(days=1)
    ).count()
    return health
