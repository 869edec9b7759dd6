"""Reminder throughput: thousands of due reminders sent by two real Celery workers to a
local SMTP sink (aiosmtpd). Prints reminders per second, and lost and duplicate counts.

    make bench      (scripts/devenv.py exports DATABASE_URL and REDIS_URL)

Uses its own database beside DATABASE_URL's (`clinic_portal_bench_reminders`, created
and migrated on first run) and empties the outbox there before each run. Settings:
BENCH_REMINDERS (default 3000), BENCH_WORKERS (2), BENCH_CONCURRENCY (1 process each),
BENCH_BATCH (100 rows per sweep task).
"""

from __future__ import annotations

import os
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "clinic_portal_bench_reminders"
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "3000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "1"))
BATCH = os.environ.get("BENCH_BATCH", "100")


def bench_database_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    conn = psycopg2.connect(
        host=query.get("host") or parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()


def main() -> int:
    database_url = bench_database_url(os.environ["DATABASE_URL"])
    redis_url = os.environ["REDIS_URL"]
    ensure_database(database_url)

    from tests.notifications.harness import (
        SmtpSink,
        celery_client,
        start_worker,
        stop_worker,
        sweep,
        wait_for_worker,
        wait_until,
        worker_env,
    )

    with SmtpSink() as sink:
        env = worker_env(
            database_url=database_url,
            redis_url=redis_url,
            email_url=sink.url,
            NOTIFY_BATCH_SIZE=BATCH,
        )
        os.environ.update(
            {
                k: env[k]
                for k in (
                    "DJANGO_SETTINGS_MODULE",
                    "DEBUG",
                    "SECRET_KEY",
                    "DATABASE_URL",
                    "REDIS_URL",
                    "EMAIL_URL",
                    "LOG_LEVEL",
                )
            }
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from portal.models import Role, User
        from portal.notifications.models import Notification

        call_command("migrate", verbosity=0)
        Notification.objects.all().delete()
        patients = []
        for i in range(20):
            user, _ = User.objects.get_or_create(
                email=f"bench.patient{i}@example.test", defaults={"role": Role.PATIENT}
            )
            patients.append(user)
        due = timezone.now() - timezone.timedelta(minutes=1)
        run = uuid.uuid4().hex[:8]
        rows = Notification.objects.bulk_create(
            Notification(
                recipient=patients[i % len(patients)],
                kind="appointment_reminder",
                send_at=due,
                idempotency_key=f"bench:{run}:{i}",
                context={
                    "starts_at": (due + timezone.timedelta(days=1)).isoformat(),
                    "location": "Folsom",
                    "url": "http://127.0.0.1:8000/patient/",
                },
                topic=f"bench:{i}",
            )
            for i in range(REMINDERS)
        )
        expected = {str(row.pk) for row in rows}

        client = celery_client(redis_url)
        client.connection_for_write().default_channel.client.delete("celery")
        names = [f"bench{n}-{uuid.uuid4().hex[:6]}" for n in range(WORKERS)]
        workers = [start_worker(name, env, concurrency=CONCURRENCY) for name in names]
        try:
            for name in names:
                wait_for_worker(client, name)
            started = time.monotonic()
            sweep(client, times=WORKERS * CONCURRENCY)
            wait_until(
                lambda: not Notification.objects.filter(status="pending").exists(),
                timeout=600,
                what="every reminder sent",
                every=0.05,
            )
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                stop_worker(worker)
        delivered = sink.delivered()

    lost = len(expected - set(delivered))
    duplicates = sum(delivered.values()) - len(delivered)
    failed = Notification.objects.filter(status="failed").count()
    print(
        f"reminders: {REMINDERS} due, {WORKERS} workers x {CONCURRENCY} process, "
        f"batch {BATCH}, SMTP sink on 127.0.0.1"
    )
    print(f"sent in {elapsed:.2f} s: {REMINDERS / elapsed:.0f} reminders/s")
    print(f"lost: {lost}  duplicates: {duplicates}  failed: {failed}")
    return 0 if lost == 0 and duplicates == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
