from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portal import health


@pytest.mark.django_db
def test_it_reports_503_and_which_part_is_down_when_no_worker_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": True, "redis": True, "celery": False},
    }


@pytest.mark.django_db
def test_it_reports_redis_down_without_waiting_on_celery(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "redis": False, "celery": False}


@pytest.mark.django_db
@pytest.mark.slow
def test_it_reports_200_when_database_redis_and_a_real_worker_answer(
    client: Client, celery_worker_process: Any
) -> None:
    response = client.get("/healthz")
    assert response.json()["checks"] == {"database": True, "redis": True, "celery": True}
    assert response.status_code == 200


def test_database_check_fails_on_a_broken_connection() -> None:
    class Broken:
        def cursor(self) -> None:
            raise OSError("connection refused")

    assert health.database_ok(Broken()) is False
