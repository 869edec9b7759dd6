"""Proof that nothing is lost: real Celery workers, real Redis, real PostgreSQL, real SMTP.

- A worker SIGKILLed at random points in the middle of its batches: after a restart every
  due reminder has gone out (lost = 0); one goes twice only if the kill fell between the
  mail server accepting it and the commit (at most one per pool process per kill).
- Redis down: the change that writes a reminder is still saved, and the reminder goes
  out once Redis is back.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from portal.models import PatientProfile
from portal.notifications.models import Notification
from tests.conftest import test_database_url as database_url_for_workers
from tests.factories import PatientFactory
from tests.notifications.factories import due_rows
from tests.notifications.harness import (
    ROOT,
    PrivateRedis,
    SmtpSink,
    celery_client,
    kill_worker,
    start_worker,
    stop_worker,
    sweep,
    wait_for_worker,
    wait_until,
    worker_env,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

REMINDERS = 300
KILLS = 3
CONCURRENCY = 2


def pending_count() -> int:
    return Notification.objects.filter(status=Notification.Status.PENDING).count()


def test_a_worker_killed_mid_batch_loses_no_reminder() -> None:
    patients = [PatientFactory() for _ in range(5)]
    rows = due_rows(patients, REMINDERS, prefix="crash")
    expected = {str(row.pk) for row in rows}
    client = celery_client(settings.REDIS_URL)
    client.connection_for_write().default_channel.client.delete("celery")
    rng = random.Random()  # a different crash pattern each run; the figures are printed
    pending_at_kill = []
    with SmtpSink(delay=0.004) as sink:
        env = worker_env(
            database_url=database_url_for_workers(),
            redis_url=settings.REDIS_URL,
            email_url=sink.url,
            NOTIFY_BATCH_SIZE="20",
        )
        for kill in range(KILLS):
            name = f"crash{kill}-{uuid.uuid4().hex[:6]}"
            before = pending_count()
            worker = start_worker(name, env, concurrency=CONCURRENCY)
            try:
                wait_for_worker(client, name)
                sweep(client, times=CONCURRENCY)
                # Kill only once this worker is sending: mid-batch, not before it began.
                wait_until(
                    lambda b=before: pending_count() < b - 2,
                    timeout=20,
                    what="this worker's first sends",
                )
                time.sleep(rng.uniform(0.05, 0.6))
            finally:
                kill_worker(worker)
            pending_at_kill.append(pending_count())
        name = f"after-{uuid.uuid4().hex[:6]}"
        worker = start_worker(name, env, concurrency=CONCURRENCY)
        try:
            wait_for_worker(client, name)
            sweep(client, times=CONCURRENCY)
            wait_until(lambda: pending_count() == 0, timeout=40, what="every reminder sent")
        finally:
            stop_worker(worker)
        delivered = sink.delivered()

    lost = expected - set(delivered)
    duplicates = sum(delivered.values()) - len(delivered)
    sys.stderr.write(
        f"\ncrash test: {REMINDERS} reminders, {KILLS} SIGKILLs, pending at each kill "
        f"{pending_at_kill}, lost {len(lost)}, sent twice {duplicates}\n"
    )
    assert pending_at_kill[0] > 0, "the first kill came after the work was done: no crash tested"
    assert not lost
    assert set(delivered) == expected
    assert duplicates <= KILLS * CONCURRENCY
    assert Notification.objects.filter(status="sent").count() == REMINDERS


WEB_PROCESS_WRITE = """
from django.db import transaction
from django.utils import timezone
from portal.models import User
from portal.notifications.services import notification_schedule, portal_link
from portal.services import patient_profile_update

patient = User.objects.get(pk={patient_id})
profile = patient.patient_profile
with transaction.atomic():
    patient_profile_update(
        user=patient, legal_name="Saved While Redis Was Down",
        preferred_name=profile.preferred_name, date_of_birth=profile.date_of_birth,
        phone=profile.phone, emergency_contact_name=profile.emergency_contact_name,
        emergency_contact_phone=profile.emergency_contact_phone,
        preferred_location=profile.preferred_location,
    )
    notification_schedule(
        recipient=patient, kind="request_confirmed", send_at=timezone.now(),
        idempotency_key="outage:1", context={{"url": portal_link("/patient/")}},
    )
print("saved")
"""


def test_with_redis_down_the_change_is_saved_and_its_reminder_goes_once_redis_is_back() -> None:
    patient = PatientFactory()
    redis_server = PrivateRedis()  # not started yet: Redis is down
    with SmtpSink() as sink:
        env = worker_env(
            database_url=database_url_for_workers(), redis_url=redis_server.url, email_url=sink.url
        )
        started = time.monotonic()
        web = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                WEB_PROCESS_WRITE.format(patient_id=patient.pk),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        took = time.monotonic() - started
        assert web.returncode == 0, web.stderr
        assert "saved" in web.stdout
        assert "waits for the next sweep" in web.stderr
        assert took < 15, f"the write waited {took:.1f}s on a dead Redis"
        assert PatientProfile.objects.get(user=patient).legal_name == "Saved While Redis Was Down"
        row = Notification.objects.get(idempotency_key="outage:1")
        assert row.status == Notification.Status.PENDING
        assert sink.delivered() == {}

        redis_server.start()
        client = celery_client(redis_server.url)
        name = f"outage-{uuid.uuid4().hex[:6]}"
        worker = start_worker(name, env, concurrency=1)
        try:
            wait_for_worker(client, name)
            sweep(client)  # the next beat tick
            wait_until(
                lambda: Notification.objects.get(pk=row.pk).status == "sent",
                timeout=20,
                what="the reminder written during the outage",
            )
        finally:
            stop_worker(worker)
            redis_server.stop()
        assert sink.delivered() == {str(row.pk): 1}
