"""`manage.py compile_translations`: every app's django.po to django.mo, in pure Python
(portal.catalogs), for machines without GNU gettext's msgfmt."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.catalogs import ROOT, compile_all


class Command(BaseCommand):
    help = "Compile the .po translation catalogs to .mo files (no gettext tools needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in compile_all():
            self.stdout.write(f"compiled {path.relative_to(ROOT)}")
