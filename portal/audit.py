"""The audit trail: who read or changed which patient's clinical data, when, from where.

Every staff view of clinical data calls `audit_clinical_read`. The table is append-only:
read-only in the admin, and a database trigger refuses UPDATE and DELETE (migration
portal 0002), so not even a bug or a shell session can rewrite history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest


class AuditEvent(models.Model):
    # Append-only: a row is never updated, so it has created_at and no updated_at.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
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


def audit_record(
    *,
    actor: Any,
    action: str,
    patient: Any = None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        patient=patient,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        path=request.path[:300] if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else "",
    )


def audit_clinical_read(
    *, request: HttpRequest, action: str, patient: Any, obj: models.Model | None = None
) -> AuditEvent:
    """Record that the logged-in staff member viewed `patient`'s clinical data."""
    return audit_record(
        actor=request.user, action=action, patient=patient, obj=obj, request=request
    )
