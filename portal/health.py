"""What /healthz checks: the database, Redis, and at least one Celery worker answering."""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


def database_ok(connection: Any) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return False


def redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("healthz: redis check failed")
        return False


def celery_ok(timeout: float = 1.0) -> bool:
    from portal.celery import app

    try:
        # Returns as soon as one worker replies; an empty list means no worker answered.
        return bool(app.control.ping(timeout=timeout, limit=1))
    except Exception:
        logger.warning("healthz: celery ping failed", exc_info=True)
        return False


def check_all(connection: Any) -> dict[str, bool]:
    redis_up = redis_ok()
    return {
        "database": database_ok(connection),
        "redis": redis_up,
        # Without Redis no worker can be reached; skip a ping that would only hang.
        "celery": redis_up and celery_ok(),
    }
