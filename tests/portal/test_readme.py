"""The README starts with the two commands and documents every environment variable the
settings module and the dev runner read, so a new setting cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def variables_read(path: Path) -> set[str]:
    source = path.read_text()
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source))
    names |= set(re.findall(r"os\.environ(?:\.get)?[\(\[]\s*\"([A-Z][A-Z0-9_]+)\"", source))
    return names


def test_it_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block


def test_it_finds_the_variables_it_checks() -> None:
    # Guard the guard: the scan must see the well-known ones.
    found = variables_read(ROOT / "portal" / "settings.py")
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= found
    assert "PORTAL_EMBEDDED_SERVICES" in variables_read(ROOT / "scripts" / "devenv.py")


def test_every_environment_variable_is_documented() -> None:
    read = variables_read(ROOT / "portal" / "settings.py") | variables_read(
        ROOT / "scripts" / "devenv.py"
    )
    missing = sorted(name for name in read if f"`{name}`" not in README)
    assert not missing, f"Add these to README.md (Configuration): {missing}"


def test_it_lists_the_demo_logins() -> None:
    from portal.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE

    assert DEMO_PASSWORD in README
    for email, *_ in DEMO_PEOPLE:
        assert email in README


def test_it_describes_deployment_with_docker_compose_and_keeps_a_performance_section() -> None:
    assert "## Deployment (docker compose)" in README
    assert "docker compose up" in README
    assert "## Performance" in README
