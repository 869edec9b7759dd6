"""Reads of the outbox and alerts that pages need."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.notifications.models import StaffAlert


def staff_alerts_open(*, limit: int = 50) -> QuerySet[StaffAlert]:
    return (
        StaffAlert.objects.filter(resolved_at__isnull=True)
        .select_related("patient", "patient__patient_profile")
        .order_by("-urgent", "-created_at")[:limit]
    )
