"""The Redis cache keeps one client per connection pool and still reads and writes Redis."""

from __future__ import annotations

from django.core.cache import cache, caches

from portal.cache import PortalRedisCache


def test_the_configured_cache_is_the_pooled_client_one() -> None:
    # Behind the wrapper that degrades to process memory when Redis is unreachable.
    assert isinstance(caches["default"].primary, PortalRedisCache)


def test_the_same_client_serves_every_call() -> None:
    client = caches["default"].primary._cache  # the backend's RedisCacheClient
    assert client.get_client("a") is client.get_client("b", write=True)


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
