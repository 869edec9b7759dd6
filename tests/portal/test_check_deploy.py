"""With DEBUG off, Django's deployment checklist (`manage.py check --deploy`) is clean."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "portal.clinic.example",
        # Never connected to by `check`; only parsed.
        "DATABASE_URL": "postgres://portal@db.invalid:5432/portal",
        "REDIS_URL": "redis://redis.invalid:6379/0",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_reports_no_issues_with_debug_off() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_a_short_secret_key_stops_the_start() -> None:
    result = run_check(SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.slow
def test_a_missing_secret_key_stops_the_start() -> None:
    env_without_key = run_check(SECRET_KEY="")
    assert env_without_key.returncode != 0
