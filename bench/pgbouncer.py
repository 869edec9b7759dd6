"""Debian's PgBouncer in transaction pooling, started in front of one database.

Used by the bench (the portal under gunicorn goes through it) and by
tests/portal/test_pgbouncer.py (every benched page requested through it). Nothing is
installed by hand: when `pgbouncer` is missing and we are root, Debian's package is
installed (as .ci/run does for chromium); otherwise the message says what to run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

if __name__ == "__main__":  # `make bench` runs every bench/*.py; this one is only a module.
    raise SystemExit(0)

BINARIES = ("pgbouncer", "/usr/sbin/pgbouncer")


def pgbouncer_binary(*, install: bool = True) -> str:
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "pgbouncer"], check=True, env=env)
        return pgbouncer_binary(install=False)
    raise RuntimeError(
        "pgbouncer is not installed: run `sudo apt-get install -y pgbouncer` (Debian/Ubuntu)."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_the_pool(port: int, *, dbname: str, user: str, size: int) -> None:
    """PgBouncer opens min_pool_size server connections a moment after the first client:
    wait for them, so the very first requests already alternate between servers."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname=dbname)
    conn.autocommit = True
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + 10
        with conn.cursor() as cursor:
            while len(seen) < size and time.monotonic() < deadline:
                cursor.execute("SELECT pg_backend_pid()")
                seen.add(cursor.fetchone()[0])
                time.sleep(0.05)
    finally:
        conn.close()


@contextlib.contextmanager
def pgbouncer(
    *,
    dbname: str,
    host: str = "127.0.0.1",
    port: int = 5432,
    user: str = "postgres",
    pool_size: int = 2,
) -> Iterator[int]:
    """Yield the local port of a PgBouncer pooling transactions in front of `dbname`.

    Several server connections and round-robin hand-out mean that consecutive
    transactions of one client really do land on different server connections: anything
    that keeps state on a server connection (a PREPAREd statement, a named cursor, a SET)
    fails here as it would in production.
    """
    binary = pgbouncer_binary()
    listen = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench_pgbouncer_"))
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{dbname} = host={host} port={port} user={user} dbname={dbname}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {listen}\n"
        f"unix_socket_dir =\nauth_type = any\nauth_file = {workdir / 'users.txt'}\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmin_pool_size = {pool_size}\n"
        "server_round_robin = 1\nmax_client_conn = 500\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {workdir / 'pgbouncer.log'}\n"
    )
    command = [binary, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root; the postgres account exists wherever the
        # Debian server package does.
        shutil.chown(workdir, user="postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = workdir / "pgbouncer.log"
                    detail = log.read_text() if log.exists() else ""
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"pgbouncer did not start: {stderr}{detail}") from None
                time.sleep(0.1)
        wait_for_the_pool(listen, dbname=dbname, user=user, size=pool_size)
        yield listen
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
