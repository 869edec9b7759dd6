"""Writes to the outbox. Call these inside the transaction of the change that causes
the message: if that change rolls back, the message was never written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import Role, User
from portal.notifications.kinds import Kind
from portal.notifications.models import Channel, Notification, StaffAlert


def portal_link(path: str) -> str:
    """An absolute link for a message ("details in your portal")."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def notification_schedule(
    *,
    recipient: User,
    kind: Kind | str,
    send_at: dt.datetime,
    idempotency_key: str,
    context: Mapping[str, Any] | None = None,
    topic: str = "",
    channel: Channel | str | None = None,
) -> Notification:
    """Write one outbox row, once: a second call with the same key returns the first row.

    `context` holds only plain, non-clinical values (a time, a location, a link).
    """
    notification, _created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "send_at": send_at,
            "context": dict(context or {}),
            "topic": topic,
            "channel": channel or Channel.EMAIL,
        },
    )
    return notification


@transaction.atomic
def notifications_cancel(*, topic: str, kinds: Iterable[str] | None = None) -> int:
    """Cancel the pending messages about `topic` (a cancelled appointment, say)."""
    pending = Notification.objects.filter(topic=topic, status=Notification.Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(status=Notification.Status.CANCELLED, updated_at=timezone.now())


@transaction.atomic
def staff_alert_raise(
    *,
    kind: StaffAlert.Kind | str,
    patient: User,
    title: str,
    url: str,
    dedupe_key: str,
    urgent: bool = False,
) -> StaffAlert:
    """Show an alert to every clinician in the portal and email them that one waits.

    Idempotent on `dedupe_key`. The email names no patient and no finding.
    """
    alert, created = StaffAlert.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"kind": kind, "patient": patient, "title": title, "url": url, "urgent": urgent},
    )
    if created:
        now = timezone.now()
        clinicians = User.objects.filter(role=Role.CLINICIAN, is_active=True).only("id")
        for clinician in clinicians:
            notification_schedule(
                recipient=clinician,
                kind=Kind.CLINICIAN_ALERT,
                send_at=now,
                idempotency_key=f"staff-alert:{alert.pk}:to:{clinician.pk}",
                context={"url": portal_link("/clinician/"), "urgent": urgent},
                topic=f"staff-alert:{alert.pk}",
            )
    return alert


@transaction.atomic
def staff_alert_resolve(*, alert: StaffAlert, by: User) -> StaffAlert:
    if alert.resolved_at is None:
        alert.resolved_at = timezone.now()
        alert.resolved_by = by
        alert.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    return alert
