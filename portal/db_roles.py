"""The database roles: the owner runs migrations, the app's role only reads and writes.

In production (docker-compose.yml, docs/operations.md) the portal connects as a role
that is not a superuser and owns no table, so it cannot alter a table, disable a
trigger, set `session_replication_role` or truncate. On the audit trail it may INSERT
and SELECT only. The grants live here and nowhere else: `manage.py grant_app_role`
runs them as the owner after every `migrate` (tables added later get the same grants by
default privileges; the audit table's revocation is applied again), and the tests grant
a test role the same way (tests/portal/test_db_roles.py).
"""

from __future__ import annotations

from django.db import connection
from psycopg2 import sql

AUDIT_TABLE = "portal_auditevent"


def app_role_grants(role: str) -> list[sql.Composed]:
    """What the app's role may do, as statements the table owner runs."""
    who = sql.Identifier(role)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            who
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
        # Tables and sequences that later migrations create, by this (the owning) role.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(who),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(who),
        # The audit trail: append and read, nothing else (the triggers of migrations
        # portal 0002 and 0006 refuse UPDATE, DELETE and TRUNCATE to its owner too).
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.Identifier(AUDIT_TABLE), who
        ),
    ]


def grant_app_role(role: str) -> None:
    """Run the grants on the default connection (which must be the tables' owner)."""
    with connection.cursor() as cursor:
        for statement in app_role_grants(role):
            cursor.execute(statement)
