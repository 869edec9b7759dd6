"""Outbox rows for tests, written straight to the table (no kick to a worker)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from portal.models import User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification

_keys = itertools.count(1)

VISIT_CONTEXT = {
    "starts_at": "2026-03-03T18:00:00+00:00",
    "location": "Folsom",
    "url": "http://127.0.0.1:8000/patient/",
}


def outbox_row(recipient: User, **fields: Any) -> Notification:
    defaults: dict[str, Any] = {
        "kind": Kind.APPOINTMENT_REMINDER,
        "send_at": timezone.now() - dt.timedelta(minutes=1),
        "idempotency_key": f"test:{next(_keys)}",
        "context": dict(VISIT_CONTEXT),
        "topic": "appointment:1",
    }
    defaults.update(fields)
    return Notification.objects.create(recipient=recipient, **defaults)


def due_rows(recipients: list[User], count: int, prefix: str = "bulk") -> list[Notification]:
    now = timezone.now() - dt.timedelta(minutes=1)
    rows = [
        Notification(
            recipient=recipients[i % len(recipients)],
            kind=Kind.APPOINTMENT_REMINDER,
            send_at=now,
            idempotency_key=f"{prefix}:{i}",
            context=dict(VISIT_CONTEXT),
            topic=f"appointment:{i}",
        )
        for i in range(count)
    ]
    return Notification.objects.bulk_create(rows)
