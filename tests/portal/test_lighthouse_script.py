"""scripts/lighthouse.py runs on its own database beside the developer's, on the same
server: a TCP address and devenv's embedded server (a socket directory in `?host=`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "lighthouse.py"


@pytest.fixture(scope="module")
def lighthouse():
    spec = importlib.util.spec_from_file_location("lighthouse_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("dev", "expected"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/clinic",
            "postgres://postgres@127.0.0.1:5432/clinic_lighthouse",
        ),
        (
            "postgres://postgres@127.0.0.1:5432/",
            "postgres://postgres@127.0.0.1:5432/clinic_lighthouse",
        ),
        (
            "postgres://postgres@/clinic?host=/home/me/portal/.local/pgdata",
            "postgres://postgres@/clinic_lighthouse?host=/home/me/portal/.local/pgdata",
        ),
    ],
)
def test_its_database_sits_beside_the_developers(lighthouse, dev: str, expected: str) -> None:
    assert lighthouse.with_database(dev, "clinic_lighthouse") == expected
