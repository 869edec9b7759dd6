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
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from portal.sql import PreparedQuery


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


# Every column but the id, which the database assigns.
_COLUMNS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, honouring ALLAUTH_TRUSTED_PROXY_COUNT hops of proxies."""
    hops = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or None


# Every staff read of clinical data adds a row: the insert is prepared (portal/sql.py),
# which halved its cost against the ORM's create (0.48 -> 0.24 ms of CPU, measured).
_INSERT = PreparedQuery(
    "portal_audit_insert",
    """
INSERT INTO portal_auditevent (created_at, actor_id, actor_role, action, patient_id,
                               object_type, object_id, path, ip_address, user_agent)
VALUES (%(created_at)s, %(actor_id)s, %(actor_role)s, %(action)s, %(patient_id)s,
        %(object_type)s, %(object_id)s, %(path)s, %(ip_address)s, %(user_agent)s)
RETURNING id, created_at
""",
)


def audit_record(
    *,
    actor: Any,
    action: str,
    patient: Any = None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    event = AuditEvent(
        created_at=timezone.now(),
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
    # Every column the model has (tests/portal/test_audit.py checks the insert names them
    # all, so a field added to the model cannot be silently left out of the row).
    values = {field.attname: getattr(event, field.attname) for field in _COLUMNS}
    # The database stamps the time (migration portal 0006: no row is back-dated).
    [(event.pk, event.created_at)] = _INSERT.fetchall(values)
    event._state.adding = False
    event._state.db = connection.alias
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
    queryset of patient ids (`Intake.objects.filter(pk__in=...).values("patient_id")`),
    which the INSERT selects from without a round trip. An empty page still records
    that it was opened: one row naming no patient. Returns the rows written."""
    user = request.user
    common = [
        user.pk if getattr(user, "is_authenticated", False) else None,
        getattr(user, "role", "") or "",
        action,
        object_type,
        request.path[:300],
        client_ip(request),
        request.META.get("HTTP_USER_AGENT", "")[:200],
    ]
    if isinstance(patients, QuerySet):
        try:
            source, source_params = patients.query.sql_with_params()
        except EmptyResultSet:  # e.g. pk__in=[]: an empty page
            source, source_params = "SELECT NULL::bigint WHERE false", ()
        params: list[Any] = [*common, *source_params]
    else:
        ids = sorted({int(getattr(p, "pk", p)) for p in patients if p is not None})
        source, params = "SELECT unnest(%s::bigint[])", [*common, ids]
    written = _LIST_INSERT.execute(source, params)
    if written:
        return written
    audit_record(actor=user, action=action, request=request)
    return 1


class _ListInsert:
    """The list pages' statement: one row per patient `source` selects (the second of
    the two places an audit row is written; tests/security switch both off)."""

    def execute(self, source: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
INSERT INTO portal_auditevent (created_at, actor_id, actor_role, action, object_type,
                               path, ip_address, user_agent, object_id, patient_id)
SELECT statement_timestamp(), %s, %s, %s, %s, %s, %s, %s, '', shown.patient_id
FROM (SELECT DISTINCT patient_id FROM ({source}) AS listed(patient_id)) AS shown
WHERE shown.patient_id IS NOT NULL
""",  # noqa: S608 - `source` is SQL the ORM compiled, its values passed as parameters
                params,
            )
            return cursor.rowcount


_LIST_INSERT = _ListInsert()


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
