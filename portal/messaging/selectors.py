"""Reads of secure messaging: a patient's threads, a staff inbox, one thread, unread counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from portal.formats import clinic_zone
from portal.messaging.models import Message, MessageThread, MessagingSettings, ThreadRead
from portal.messaging.rules import is_overdue, reply_due_at
from portal.models import User
from portal.permissions import message_topics_for


def _read_up_to(user: User, field: str) -> Exists:
    """The user has read the thread at least up to its `field` time."""
    return Exists(
        ThreadRead.objects.filter(
            thread=OuterRef("pk"), user=user, last_read_at__gte=OuterRef(field)
        )
    )


def threads_for_patient(*, patient: User) -> QuerySet[MessageThread]:
    return (
        MessageThread.objects.filter(patient=patient)
        .select_related("handled_by")
        .annotate(read=_read_up_to(patient, "last_staff_message_at"))
        .order_by("-last_message_at", "-id")
    )


def unread_for_patient(*, patient: User) -> int:
    return (
        MessageThread.objects.filter(patient=patient, last_staff_message_at__isnull=False)
        .exclude(_read_up_to(patient, "last_staff_message_at"))
        .count()
    )


@dataclass(frozen=True)
class InboxRow:
    thread: MessageThread
    unread: bool
    due_at: dt.datetime | None
    overdue: bool


class InboxFilter:
    OPEN = "open"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    CLOSED = "closed"
    CHOICES = (
        (OPEN, "Open"),
        (MINE, "Mine"),
        (UNASSIGNED, "Nobody yet"),
        (CLOSED, "Closed"),
    )


def staff_threads(*, user: User, show: str = InboxFilter.OPEN) -> QuerySet[MessageThread]:
    """The threads of the topics `user` answers, longest-waiting first."""
    threads = (
        MessageThread.objects.filter(topic__in=message_topics_for(user))
        .select_related("patient", "patient__patient_profile", "handled_by")
        .annotate(read=_read_up_to(user, "last_patient_message_at"))
    )
    if show == InboxFilter.CLOSED:
        threads = threads.filter(is_closed=True)
    else:
        threads = threads.filter(is_closed=False)
        if show == InboxFilter.MINE:
            threads = threads.filter(handled_by=user)
        elif show == InboxFilter.UNASSIGNED:
            threads = threads.filter(handled_by__isnull=True)
    return threads.order_by(
        F("awaiting_reply_since").asc(nulls_last=True), "-last_message_at", "-id"
    )


def inbox_rows(threads: list[MessageThread], *, now: dt.datetime | None = None) -> list[InboxRow]:
    now = now or timezone.now()
    days = MessagingSettings.load().reply_target_business_days
    zone = clinic_zone()
    rows = []
    for thread in threads:
        since = thread.awaiting_reply_since
        rows.append(
            InboxRow(
                thread=thread,
                unread=thread.last_patient_message_at is not None and not thread.read,
                due_at=reply_due_at(since, days, zone) if since else None,
                overdue=is_overdue(since, now=now, business_days=days, zone=zone),
            )
        )
    return rows


@dataclass(frozen=True)
class StaffCounts:
    unread: int
    waiting: int
    overdue: int


def staff_counts(*, user: User, now: dt.datetime | None = None) -> StaffCounts:
    """For the staff home: unread threads, threads waiting for a reply, and overdue ones."""
    now = now or timezone.now()
    topics = message_topics_for(user)
    open_threads = MessageThread.objects.filter(topic__in=topics, is_closed=False)
    unread = (
        open_threads.filter(last_patient_message_at__isnull=False)
        .exclude(_read_up_to(user, "last_patient_message_at"))
        .count()
    )
    waiting = list(
        open_threads.filter(awaiting_reply_since__isnull=False).values_list(
            "awaiting_reply_since", flat=True
        )
    )
    days = MessagingSettings.load().reply_target_business_days
    zone = clinic_zone()
    overdue = sum(is_overdue(s, now=now, business_days=days, zone=zone) for s in waiting)
    return StaffCounts(unread=unread, waiting=len(waiting), overdue=overdue)


def thread_messages(*, thread: MessageThread) -> QuerySet[Message]:
    return thread.messages.select_related("author").order_by("created_at", "id")
