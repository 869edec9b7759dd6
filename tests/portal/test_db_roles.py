"""The audit trail holds against the app's own database role: granted as production
grants it (portal/db_roles.py, `manage.py grant_app_role`), that role cannot truncate,
disable a trigger, switch triggers off for its session, update or delete the trail,
nor back-date a row, while it still reads and appends, and works every other table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from portal.audit import AuditEvent, audit_record
from portal.models import Location, User

pytestmark = pytest.mark.django_db


def _role_name(suffix: str) -> str:
    # Roles are cluster-wide: named after this test database, so parallel runs differ.
    return f"{settings.DATABASES['default']['NAME']}_{suffix}"[:63]


def _ensure_role(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))


@pytest.fixture
def app_role(db: None) -> str:
    name = _role_name("app")
    _ensure_role(name)
    call_command("grant_app_role", name, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return name


def as_role(role: str, statement: Callable[[Any], Any]) -> Any:
    """Run `statement(cursor)` as `role` (SET LOCAL ROLE, undone with its savepoint)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        return statement(cursor)


def refused_as(role: str, text: str) -> str:
    with pytest.raises(DatabaseError) as caught:
        as_role(role, lambda cursor: cursor.execute(text))
    return str(caught.value)


@pytest.fixture
def event(clinician: User, patient: User) -> AuditEvent:
    return audit_record(actor=clinician, action="intake.view", patient=patient)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE portal_auditevent",
        "TRUNCATE portal_auditevent CASCADE",
        "ALTER TABLE portal_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only",
        "DROP TRIGGER portal_auditevent_append_only ON portal_auditevent",
        "SET session_replication_role = replica",
        "UPDATE portal_auditevent SET action = 'nothing.to.see'",
        "DELETE FROM portal_auditevent",
        "ALTER TABLE portal_auditevent OWNER TO CURRENT_USER",
    ],
)
def test_the_apps_role_cannot_erase_or_silence_the_audit_trail(
    app_role: str, event: AuditEvent, statement: str
) -> None:
    message = refused_as(app_role, statement)
    assert "permission denied" in message or "must be owner" in message, message
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "intake.view"


def test_the_apps_role_appends_and_reads_the_trail_and_works_other_tables(
    app_role: str, clinician: User, patient: User
) -> None:
    def work(cursor: Any) -> tuple[int, int]:
        row = audit_record(actor=clinician, action="as.app.role", patient=patient)
        cursor.execute("SELECT count(*) FROM portal_auditevent WHERE id = %s", [row.pk])
        (count,) = cursor.fetchone()
        updated = Location.objects.filter(slug="folsom").update(phone="(916) 555-0000")
        return count, updated

    assert as_role(app_role, work) == (1, 1)


def test_the_apps_role_owns_no_table_and_is_no_superuser(app_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (False,)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app_role])
        assert cursor.fetchone() == (0,)


def test_no_row_can_be_back_dated(app_role: str, clinician: User) -> None:
    def insert(cursor: Any) -> Any:
        cursor.execute(
            "INSERT INTO portal_auditevent (created_at, actor_id, actor_role, action, "
            "object_type, object_id, path, user_agent) "
            "VALUES ('2001-01-01T00:00:00Z', %s, 'clinician', 'backdated', '', '', '', '') "
            "RETURNING created_at",
            [clinician.pk],
        )
        return cursor.fetchone()[0]

    stamped = as_role(app_role, insert)
    assert stamped.year >= 2025
    assert AuditEvent.objects.get(action="backdated").created_at == stamped


@pytest.fixture
def truncating_role(db: None) -> str:
    """A non-superuser that was (wrongly) granted TRUNCATE: the trigger still refuses."""
    name = _role_name("trunc")
    _ensure_role(name)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("GRANT TRUNCATE ON portal_auditevent TO {}").format(sql.Identifier(name))
        )
    return name


def test_a_trigger_refuses_truncate_even_with_the_right_granted(
    truncating_role: str, event: AuditEvent
) -> None:
    with connection.cursor() as cursor:  # the row's deferred checks, done before TRUNCATE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "append-only" in refused_as(truncating_role, "TRUNCATE portal_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_grant_app_role_refuses_an_unknown_role(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no database role"):
        call_command("grant_app_role", "no_such_role_anywhere")
