"""Writes to the outbox. Call these inside the transaction of the change that causes
the message: if that change rolls back, the message was never written, and the nudge to
a worker (sent on commit) never leaves either.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from portal.audit import audit_clinical_write
from portal.models import Role, User
from portal.notifications.kinds import KIND_EXTRA_KEYS, URGENT_KINDS, Kind
from portal.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    StaffAlert,
)
from portal.notifications.rendering import CONTEXT_KEYS, MAX_VISITS, VISIT_KEYS
from portal.notifications.selectors import effective_send_at, preference_for

logger = logging.getLogger(__name__)


def portal_link(path: str) -> str:
    """An absolute link for a message ("details in your portal")."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def visit_place(location_name: str | None) -> dict[str, Any]:
    """A visit's place for a message's context, as data: its location's name, or (no
    location) `telehealth` for a video visit. The words "Telehealth (video)" are written
    when the message is rendered, in the recipient's language, not in the language of
    whoever booked (staff read English)."""
    if location_name:
        return {"location": location_name}
    return {"location": "", "telehealth": True}


def _check_telehealth(value: Any) -> bool:
    if value is not True:
        raise ValidationError("telehealth is True, or left out.")
    return True


def _kick_send(notification_id: int) -> None:
    """Ask a worker to send now. Redis being down must not undo the write that caused the
    message: the row is safe in PostgreSQL and the next beat sweep sends it.
    """
    from portal.notifications.tasks import notification_send

    try:
        # A connection of its own that gives up at once: the shared producer pool would
        # retry a dead Redis for seconds, and this runs inside a web request.
        with notification_send.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            notification_send.apply_async((notification_id,), retry=False, connection=connection)
    except Exception:  # any broker failure; the sweep is the safety net
        logger.warning(
            "task queue unreachable; notification %s waits for the next sweep", notification_id
        )


def _check_starts_at(starts_at: Any) -> str:
    if isinstance(starts_at, dt.datetime):
        starts_at = starts_at.isoformat()
    try:
        parsed = dt.datetime.fromisoformat(str(starts_at))
    except ValueError:
        raise ValidationError("starts_at must be an ISO-8601 datetime.") from None
    if parsed.tzinfo is None:
        raise ValidationError("starts_at must carry its time zone.")
    return str(starts_at)


def _check_visits(visits: Any) -> list[dict[str, Any]]:
    """Several visits in one message: each a time and a place, nothing else."""
    if not isinstance(visits, list | tuple) or not 0 < len(visits) <= MAX_VISITS:
        raise ValidationError(f"visits must list 1 to {MAX_VISITS} visits.")
    cleaned = []
    for visit in visits:
        if not isinstance(visit, Mapping) or set(visit) - VISIT_KEYS or "starts_at" not in visit:
            raise ValidationError(f"Each visit may hold only {sorted(VISIT_KEYS)}.")
        location = visit.get("location") or ""
        if not isinstance(location, str) or len(location) > 100:
            raise ValidationError("A visit's location is a place name.")
        item = {"starts_at": _check_starts_at(visit["starts_at"]), "location": location}
        if "telehealth" in visit:
            item["telehealth"] = _check_telehealth(visit["telehealth"])
        cleaned.append(item)
    return cleaned


def _check_context(context: Mapping[str, Any], kind: str = "") -> dict[str, Any]:
    unknown = set(context) - CONTEXT_KEYS - KIND_EXTRA_KEYS.get(kind, frozenset())
    if unknown:
        # A message may carry only a time, a place and a link: never clinical detail.
        raise ValidationError(
            f"Notification context may hold only {sorted(CONTEXT_KEYS)}; got {sorted(unknown)}."
        )
    cleaned = dict(context)
    if context.get("starts_at") is not None:
        cleaned["starts_at"] = _check_starts_at(context["starts_at"])
    if "telehealth" in context:
        cleaned["telehealth"] = _check_telehealth(context["telehealth"])
    if "visits" in context:
        cleaned["visits"] = _check_visits(context["visits"])
    if "first_name" in context:
        name = context["first_name"]
        if not isinstance(name, str) or not name.strip() or len(name) > 40 or " " in name.strip():
            raise ValidationError("first_name is one first name.")
        cleaned["first_name"] = name.strip()
    return cleaned


@transaction.atomic
def notification_schedule(
    *,
    recipient: User,
    kind: Kind | str,
    send_at: dt.datetime,
    idempotency_key: str,
    context: Mapping[str, Any] | None = None,
    topic: str = "",
    channel: Channel | str | None = None,
    to_phone: str = "",
) -> Notification:
    """Write one outbox row, once: a second call with the same key returns the first row.

    `context` holds only plain, non-clinical values (`starts_at`, `location`, `url`,
    `urgent`); anything else is refused. The channel is the recipient's choice unless
    given; a text due in the recipient's quiet hours waits for their end. Scheduling
    again with the key of a message that has not gone yet (pending or cancelled) moves it
    to the new time and context: that is how a rescheduled visit moves its reminders. A
    message already sent is never sent again. A message due now is handed to a worker
    when the transaction commits.
    """
    if timezone.is_naive(send_at):
        raise ValidationError("send_at must be an aware datetime.")
    kind = Kind(kind)
    clean_context = _check_context(context or {}, kind)
    preference = None
    if to_phone:
        # A text to someone who is not a user (an escort): by SMS to that number only;
        # the patient's own channel and quiet hours are theirs, not the escort's.
        from portal.notifications.channels import e164

        if not e164(to_phone):
            raise ValidationError("That is not a mobile number we can text.")
        channel = Channel.SMS
    elif channel is None:
        preference = preference_for(recipient)
        channel = preference.channel if preference is not None else Channel.EMAIL
    elif channel == Channel.SMS:
        preference = preference_for(recipient)
    if not to_phone:  # the patient's quiet hours are theirs, not their escort's
        send_at = effective_send_at(
            send_at=send_at, kind=kind, channel=channel, preference=preference
        )
    notification, created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "send_at": send_at,
            "context": clean_context,
            "topic": topic,
            "channel": channel,
            "to_phone": to_phone,
        },
    )
    if not created:
        notification = _move_unsent(notification, send_at=send_at, context=clean_context)
    if (
        notification.status == Notification.Status.PENDING
        and notification.send_at <= timezone.now()
    ):
        pk = notification.pk
        transaction.on_commit(lambda: _kick_send(pk))
    return notification


def _move_unsent(
    notification: Notification, *, send_at: dt.datetime, context: dict[str, Any]
) -> Notification:
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    unsent = {Notification.Status.PENDING, Notification.Status.CANCELLED}
    if locked.status not in unsent:
        return locked
    if (
        locked.status == Notification.Status.PENDING
        and locked.send_at == send_at
        and locked.context == context
    ):
        return locked
    locked.send_at = send_at
    locked.context = context
    locked.status = Notification.Status.PENDING
    locked.attempts = 0
    locked.last_error = ""
    locked.save(
        update_fields=["send_at", "context", "status", "attempts", "last_error", "updated_at"]
    )
    return locked


@transaction.atomic
def notifications_cancel(
    *, topic: str, kinds: Iterable[str] | None = None, recipient: User | None = None
) -> int:
    """Cancel the pending messages about `topic` (a cancelled appointment, say); only
    those to `recipient` when given (one person's part of a topic others share)."""
    pending = Notification.objects.filter(topic=topic, status=Notification.Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
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
    alert, _created = staff_alert_raise_once(
        kind=kind, patient=patient, title=title, url=url, dedupe_key=dedupe_key, urgent=urgent
    )
    return alert


@transaction.atomic
def staff_alert_raise_once(
    *,
    kind: StaffAlert.Kind | str,
    patient: User,
    title: str,
    url: str,
    dedupe_key: str,
    urgent: bool = False,
) -> tuple[StaffAlert, bool]:
    """staff_alert_raise, also saying whether this call raised it (False: it was already
    raised for `dedupe_key`, whose uniqueness in the database decides a race)."""
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
    return alert, created


@transaction.atomic
def staff_alert_resolve(*, alert: StaffAlert, by: User) -> StaffAlert:
    if alert.resolved_at is None:
        alert.resolved_at = timezone.now()
        alert.resolved_by = by
        alert.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        audit_clinical_write(
            actor=by, action="notifications.alert.resolve", patient=alert.patient, obj=alert
        )
    return alert


@transaction.atomic
def notification_retry(*, notification: Notification, by: User) -> Notification:
    """Staff send a failed message again: a fresh round of attempts, starting now."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.status != Notification.Status.FAILED:
        raise ValidationError("Only a failed message can be sent again.")
    locked.status = Notification.Status.PENDING
    locked.attempts = 0
    locked.send_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "send_at", "updated_at"])
    logger.info("notification %s retried by user %s", locked.pk, by.pk)
    pk = locked.pk
    transaction.on_commit(lambda: _kick_send(pk))
    return locked


@transaction.atomic
def notification_preference_update(
    *,
    user: User,
    channel: Channel | str,
    quiet_hours_start: dt.time,
    quiet_hours_end: dt.time,
) -> NotificationPreference:
    """Save how a patient wants to hear from us; their pending messages follow the choice.

    Quiet hours that start when they end (22:00 to 22:00) mean nothing: refused."""
    if quiet_hours_start == quiet_hours_end:
        raise ValidationError(
            {
                "quiet_hours_end": gettext(
                    "Quiet hours must end at a different time than they start "
                    "(for example, no texts after 9:00 PM and before 8:00 AM)."
                )
            }
        )
    if channel == Channel.SMS:
        from portal.notifications.channels import e164, sms_enabled

        if not sms_enabled():
            raise ValidationError(gettext("Text messages are not available at the moment."))
        profile = getattr(user, "patient_profile", None)
        if profile is None or not e164(profile.phone):
            raise ValidationError(
                gettext("To get text messages, first add a mobile number to your profile.")
            )
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.channel = channel
    preference.quiet_hours_start = quiet_hours_start
    preference.quiet_hours_end = quiet_hours_end
    preference.full_clean()
    preference.save()
    pending = Notification.objects.filter(
        recipient=user, status=Notification.Status.PENDING, to_phone=""
    ).exclude(kind__in=list(URGENT_KINDS))
    pending.exclude(channel=channel).update(channel=channel, updated_at=timezone.now())
    return preference
