"""A cache that keeps the portal answering when Redis does not.

Redis backs allauth's rate limits and a few cached settings rows. When it is unreachable
Django's Redis cache raises on every call, which turned sign-in and the staff homes into
500s. This backend wraps the configured Redis cache (any Django backend, named in
OPTIONS["PRIMARY_BACKEND"]) and, on a connection error, answers from this process's
memory instead: rate limits become per-process limits (weaker, but still limits) and
cached rows are read from the database again. It logs one warning when Redis goes and
one line when it is back, not a traceback per request, and stops trying Redis for
RETRY_SECONDS after a failure so that each request does not pay a connect timeout.
/healthz checks Redis itself and still answers 503.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# What "Redis is unreachable" looks like from redis-py (and the socket under it).
UNREACHABLE: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


class DegradingCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        primary_backend = options.pop("PRIMARY_BACKEND")
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(params)
        self.primary: BaseCache = import_string(primary_backend)(
            location, {**params, "OPTIONS": options}
        )
        self.fallback = LocMemCache(
            f"degrading-{location}", {**params, "OPTIONS": {"MAX_ENTRIES": 10000}}
        )
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._degraded = False

    @property
    def degraded(self) -> bool:
        return self._degraded

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._degraded and time.monotonic() < self._down_until:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            result = getattr(self.primary, name)(*args, **kwargs)
        except UNREACHABLE as exc:
            with self._lock:
                if not self._degraded:
                    logger.warning(
                        "cache: Redis unreachable (%s: %s); rate limits and cached rows "
                        "fall back to this process's memory until it answers",
                        type(exc).__name__,
                        exc,
                    )
                self._degraded = True
                self._down_until = time.monotonic() + self.retry_seconds
            return getattr(self.fallback, name)(*args, **kwargs)
        if self._degraded:
            with self._lock:
                if self._degraded:
                    logger.warning("cache: Redis answers again; shared rate limits resume")
                self._degraded = False
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def decr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("decr", key, delta, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call("delete_many", keys, version)

    def clear(self) -> None:
        self.fallback.clear()
        self._call("clear")

    def close(self, **kwargs: Any) -> None:
        self.primary.close(**kwargs)
