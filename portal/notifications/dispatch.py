"""Send what is due: claim a row, send it, mark it sent, commit; then the next row.

Each row is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` in its own transaction and
stays locked while it is sent, so two workers never send the same row, and a worker
killed mid-send leaves the row pending (its transaction dies with its connection) for
the next sweep. A message goes twice only if the process dies after the mail server
accepted it and before the commit, a window of one row.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.i18n import language_of
from portal.notifications import timing
from portal.notifications.channels import (
    EmailChannel,
    PermanentSendError,
    SendError,
    TransientSendError,
    sms_channel,
)
from portal.notifications.models import Channel, Notification, NotificationPreference
from portal.notifications.rendering import render_message
from portal.notifications.selectors import effective_send_at

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.deferred


class Outbox:
    """The open channels of one batch: one mail connection reused for every row."""

    def __init__(self) -> None:
        self.email = EmailChannel()
        self._sms = sms_channel()

    def close(self) -> None:
        self.email.close()
        if self._sms is not None:
            self._sms.close()

    def deliver(self, notification: Notification) -> str:
        """Send one claimed row, return what happened: sent, deferred."""
        recipient = notification.recipient
        preference = _preference(notification)
        message = render_message(
            notification.kind, notification.context, language=language_of(recipient)
        )
        reference = str(notification.pk)
        if notification.to_phone:
            # A text to a non-user (an escort): that number, by text, or not at all.
            if self._sms is None:
                raise PermanentSendError("texts are turned off")
            self._sms.send(notification.to_phone, message, reference=reference)
            return "sent"
        if notification.channel == Channel.SMS and self._sms is not None:
            now = timezone.now()
            release = effective_send_at(
                send_at=now, kind=notification.kind, channel=Channel.SMS, preference=preference
            )
            if release > now:
                # Chosen quiet hours after this text was written: it waits till morning.
                notification.send_at = release
                notification.save(update_fields=["send_at", "updated_at"])
                return "deferred"
            phone = getattr(getattr(recipient, "patient_profile", None), "phone", "")
            if phone:
                self._sms.send(phone, message, reference=reference)
                return "sent"
            logger.warning("notification %s: no mobile number; sent by email", reference)
        self.email.send(recipient.email, message, reference=reference)
        return "sent"


def _preference(notification: Notification) -> NotificationPreference | None:
    try:
        return notification.recipient.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def _claimable():  # a queryset of Notification
    return Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
        "recipient", "recipient__patient_profile", "recipient__notification_preference"
    )


def _handle(outbox: Outbox, notification: Notification, result: DispatchResult) -> None:
    """Inside the row's transaction: send it and record the outcome on the row."""
    now = timezone.now()
    try:
        outcome = outbox.deliver(notification)
    except PermanentSendError as exc:
        _record_failure(notification, str(exc), permanent=True)
        result.failed += 1
        return
    except (TransientSendError, SendError) as exc:
        failed = _record_failure(notification, str(exc), permanent=False)
        if failed:
            result.failed += 1
        else:
            result.retried += 1
        return
    except Exception as exc:  # a template or programming error: keep the worker alive
        logger.exception("notification %s could not be sent", notification.pk)
        _record_failure(notification, f"error: {type(exc).__name__}", permanent=False)
        result.retried += 1
        return
    if outcome == "deferred":
        result.deferred += 1
        return
    notification.status = Notification.Status.SENT
    notification.sent_at = now
    notification.attempts += 1
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "attempts", "last_error", "updated_at"])
    result.sent += 1


def _record_failure(notification: Notification, error: str, *, permanent: bool) -> bool:
    """Count the attempt; back off, or give up after the last attempt. True when failed."""
    notification.attempts += 1
    notification.last_error = error[:500]
    given_up = permanent or notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS
    if given_up:
        notification.status = Notification.Status.FAILED
        logger.error("notification %s failed for good: %s", notification.pk, error)
    else:
        notification.send_at = timezone.now() + timing.retry_delay(
            notification.attempts, settings.NOTIFY_RETRY_BASE_SECONDS
        )
        logger.warning(
            "notification %s attempt %s failed (%s); next try at %s",
            notification.pk,
            notification.attempts,
            error,
            notification.send_at,
        )
    notification.save(update_fields=["status", "attempts", "last_error", "send_at", "updated_at"])
    return given_up


def notifications_dispatch_due(
    *, batch_size: int | None = None, after_each: Callable[[], None] | None = None
) -> DispatchResult:
    """Send up to `batch_size` due messages, one committed row at a time."""
    batch_size = batch_size or settings.NOTIFY_BATCH_SIZE
    result = DispatchResult()
    outbox = Outbox()
    try:
        for _ in range(batch_size):
            with transaction.atomic():
                notification = (
                    _claimable()
                    .filter(status=Notification.Status.PENDING, send_at__lte=timezone.now())
                    .order_by("send_at", "id")
                    .first()
                )
                if notification is None:
                    break
                _handle(outbox, notification, result)
            if after_each is not None:
                after_each()
    finally:
        outbox.close()
    return result


def notification_send_now(*, notification_id: int) -> DispatchResult:
    """Send one message if it is still pending and due; harmless to call twice."""
    result = DispatchResult()
    outbox = Outbox()
    try:
        with transaction.atomic():
            notification = (
                _claimable()
                .filter(
                    pk=notification_id,
                    status=Notification.Status.PENDING,
                    send_at__lte=timezone.now(),
                )
                .first()
            )
            if notification is not None:
                _handle(outbox, notification, result)
    finally:
        outbox.close()
    return result
