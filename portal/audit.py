"""The audit trail: who read or changed which patient's clinical data, when, from where.

Every staff view of clinical data calls `audit_clinical_read`. The table is append-only:
read-only in the admin, database triggers refuse UPDATE, DELETE (migration portal 0002)
and TRUNCATE and stamp each row's time (0006), and the app's database role may only
INSERT and SELECT it (portal/db_roles.py), so not even a bug or a shell session can
rewrite history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.http import HttpRequest


class AuditEvent(models.Model):
    # Append-only: a row is never updated, so it has created_at and no updated_at. The
    # database sets it (and a trigger insists, migration 0006); the INSERT returns it.
    created_at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events_as_actor",
    )
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events_as_patient",
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="audit_patient_recent"),
            # The admin's list: newest first, in Meta.ordering's exact order.
            models.Index(fields=["-created_at", "-id"], name="audit_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, honouring ALLAUTH_TRUSTED_PROXY_COUNT hops of proxies."""
    hops = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _write(events: list[AuditEvent]) -> None:
    """The one place audit rows are written: one INSERT for one row or a page of them
    (the database stamps their time, migration portal 0006)."""
    AuditEvent.objects.bulk_create(events)


def _event(
    *, actor: Any, action: str, request: HttpRequest | None, patient_id: int | None = None
) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        patient_id=patient_id,
        path=request.path[:300] if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else "",
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    patient: Any = None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    event = _event(
        actor=actor, action=action, request=request, patient_id=getattr(patient, "pk", None)
    )
    event.object_type = obj._meta.label if obj is not None else ""
    event.object_id = str(obj.pk) if obj is not None else ""
    _write([event])
    return event


def audit_clinical_read(
    *, request: HttpRequest, action: str, patient: Any, obj: models.Model | None = None
) -> AuditEvent:
    """Record that the logged-in staff member viewed `patient`'s clinical data."""
    return audit_record(
        actor=request.user, action=action, patient=patient, obj=obj, request=request
    )


def audit_clinical_list(
    *,
    request: HttpRequest,
    action: str,
    patients: Iterable[Any] | QuerySet[Any],
    object_type: str = "",
) -> int:
    """Record that a list page showed the logged-in staff member several patients'
    clinical data: one row per patient shown (so "who saw my data" is one indexed
    lookup by patient, as for a single read), all written in one INSERT, the page named
    by `action` and its path. `patients` are users or their ids, or a one-column
    `values()` queryset of patient ids. An empty page still records that it was opened:
    one row naming no patient. Returns the rows written."""
    ids: set[int] = set()
    for row in patients:
        value = next(iter(row.values())) if isinstance(row, dict) else getattr(row, "pk", row)
        if value is not None:
            ids.add(int(value))
    events = [
        _event(actor=request.user, action=action, request=request, patient_id=patient_id)
        for patient_id in sorted(ids)
    ] or [_event(actor=request.user, action=action, request=request)]
    for event in events:
        event.object_type = object_type
    _write(events)
    return len(events)


def audit_refused(*, request: HttpRequest, action: str = "access.refused") -> AuditEvent | None:
    """Record who was refused a page (a 403): the actor, their role and the path. An
    anonymous visitor is sent to sign in, never refused, so there is always a user."""
    if not getattr(request.user, "is_authenticated", False):
        return None
    return audit_record(actor=request.user, action=action, request=request)


def audit_clinical_write(
    *, actor: Any, action: str, patient: Any, obj: models.Model | None = None
) -> AuditEvent:
    """Record that `actor` changed `patient`'s clinical data (a decision, a course, a
    chart, a REMS form, an alert). Services call it inside their own transaction, so a
    refused or rolled-back write leaves no row and every kept write has one."""
    return audit_record(actor=actor, action=action, patient=patient, obj=obj)
