"""The cache is Django's own Redis backend, behind the wrapper that degrades to memory."""

from __future__ import annotations

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def test_the_configured_cache_is_djangos_redis_backend() -> None:
    # Behind the wrapper that degrades to process memory when Redis is unreachable.
    assert type(caches["default"].primary) is RedisCache


def test_values_round_trip_through_redis() -> None:
    cache.set("portal-cache-test", {"chairs": 4}, timeout=30)
    try:
        assert cache.get("portal-cache-test") == {"chairs": 4}
        # Straight from Redis, not from anything this process kept.
        raw = (
            caches["default"]
            .primary._cache.get_client()
            .get(cache.make_and_validate_key("portal-cache-test"))
        )
        assert raw is not None
    finally:
        cache.delete("portal-cache-test")
    assert cache.get("portal-cache-test") is None
