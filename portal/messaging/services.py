"""Every write of secure messaging: start a thread, post, take, close, mark read.

The notification a message causes says only that a message is waiting, with a link to
the portal; its words stay in the portal (portal.notifications refuses any other context).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.messaging.models import Message, MessageThread, ThreadRead, Topic
from portal.models import Role, User
from portal.notifications.kinds import Kind
from portal.notifications.services import notification_schedule, portal_link
from portal.permissions import MESSAGE_TOPIC_CAPABILITY, has_capability

MAX_BODY = 5000


def may_answer(user: User, thread: MessageThread) -> bool:
    return has_capability(user, MESSAGE_TOPIC_CAPABILITY[thread.topic])


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your message first.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": _("Keep a message under %(limit)s characters.") % {"limit": MAX_BODY}}
        )
    return body


def _notify(*, recipients: list[User], message: Message, path: str) -> None:
    for recipient in recipients:
        notification_schedule(
            recipient=recipient,
            kind=Kind.MESSAGE_WAITING,
            send_at=message.created_at,
            idempotency_key=f"message:{message.pk}:to:{recipient.pk}",
            context={"url": portal_link(path)},
            topic=f"thread:{message.thread_id}",
        )


def _staff_to_tell(thread: MessageThread) -> list[User]:
    """Whoever handles the thread; before anyone takes it, everyone who answers its topic."""
    if thread.handled_by_id is not None and thread.handled_by.is_active:
        return [thread.handled_by]
    capability = MESSAGE_TOPIC_CAPABILITY[thread.topic]
    staff = User.objects.filter(is_active=True, role__in=[Role.FRONT_DESK, Role.CLINICIAN])
    return [user for user in staff if has_capability(user, capability)]


def _mark_read(thread: MessageThread, user: User, at: object) -> None:
    ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"last_read_at": at})


@transaction.atomic
def thread_start(*, patient: User, topic: str, subject: str, body: str) -> MessageThread:
    if patient.role != Role.PATIENT:
        raise PermissionDenied
    if topic not in Topic.values:
        raise ValidationError({"topic": _("Choose what your message is about.")})
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": _("Give your message a short subject.")})
    body = _clean_body(body)
    now = timezone.now()
    thread = MessageThread.objects.create(
        patient=patient, topic=topic, subject=subject[:120], last_message_at=now
    )
    _post(thread=thread, author=patient, body=body, now=now)
    return thread


@transaction.atomic
def message_post(*, thread: MessageThread, author: User, body: str) -> Message:
    thread = MessageThread.objects.select_for_update().get(pk=thread.pk)
    if author.role == Role.PATIENT:
        if thread.patient_id != author.pk:
            raise PermissionDenied
    elif not may_answer(author, thread):
        raise PermissionDenied
    return _post(thread=thread, author=author, body=_clean_body(body), now=timezone.now())


def _post(*, thread: MessageThread, author: User, body: str, now: object) -> Message:
    from_patient = author.role == Role.PATIENT
    message = Message.objects.create(
        thread=thread, author=author, from_patient=from_patient, body=body, created_at=now
    )
    thread.last_message_at = now
    if from_patient:
        thread.last_patient_message_at = now
        thread.awaiting_reply_since = thread.awaiting_reply_since or now
        thread.is_closed = False  # a patient who writes again reopens the conversation
        recipients = _staff_to_tell(thread)
        path = reverse("messaging:staff-thread", kwargs={"thread_id": thread.pk})
    else:
        thread.last_staff_message_at = now
        thread.awaiting_reply_since = None
        if thread.handled_by_id is None:
            thread.handled_by = author
        recipients = [thread.patient]
        path = reverse("messaging:thread", kwargs={"thread_id": thread.pk})
        audit_record(actor=author, action="message.reply", patient=thread.patient, obj=thread)
    thread.save()
    _mark_read(thread, author, now)
    _notify(recipients=recipients, message=message, path=path)
    return message


@transaction.atomic
def thread_take(*, thread: MessageThread, by: User) -> MessageThread:
    thread = MessageThread.objects.select_for_update().get(pk=thread.pk)
    if not may_answer(by, thread):
        raise PermissionDenied
    thread.handled_by = by
    thread.save(update_fields=["handled_by", "updated_at"])
    return thread


@transaction.atomic
def thread_close(*, thread: MessageThread, by: User) -> MessageThread:
    thread = MessageThread.objects.select_for_update().get(pk=thread.pk)
    if not may_answer(by, thread):
        raise PermissionDenied
    thread.is_closed = True
    thread.awaiting_reply_since = None
    thread.save(update_fields=["is_closed", "awaiting_reply_since", "updated_at"])
    return thread


def thread_mark_read(*, thread: MessageThread, user: User) -> None:
    _mark_read(thread, user, timezone.now())
