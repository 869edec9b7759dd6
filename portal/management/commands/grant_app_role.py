"""Grant the app's database role what it needs and no more (portal/db_roles.py).

Run as the tables' owner, after `migrate`:

    python manage.py migrate && python manage.py grant_app_role            # DATABASE_APP_ROLE
    python manage.py grant_app_role portal_app
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from portal.db_roles import grant_app_role


class Command(BaseCommand):
    help = "Grant the app's (non-owner) database role its rights; the audit table: INSERT, SELECT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", default="", help="default: DATABASE_APP_ROLE")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"] or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("Name the role, or set DATABASE_APP_ROLE.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no database role {role!r}.")
            cursor.execute("SELECT current_user")
            (current,) = cursor.fetchone()
        if current == role:
            raise CommandError("Run this as the tables' owner, not as the app's role.")
        with transaction.atomic():
            grant_app_role(role)
        self.stdout.write(self.style.SUCCESS(f"Granted {role!r} the app's rights."))
