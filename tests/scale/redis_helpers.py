"""Redis for tests: the URL (``KREDS_TEST_REDIS_URL`` or ``REDIS_URL``, default 127.0.0.1:6379), a
skip with the reason when it does not answer, and a key prefix of the test's own, deleted
afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = (
    os.environ.get("KREDS_TEST_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/0"
)


def redis_reachable(url: str = REDIS_URL) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def require_redis() -> None:
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set KREDS_TEST_REDIS_URL)")


def new_prefix() -> str:
    return f"kreds-test-{uuid.uuid4().hex[:10]}"


def keys_under(client: redis.Redis, prefix: str | None) -> list[bytes]:
    """The keys under ``prefix`` (None: every key)."""
    return sorted(client.scan_iter(match=f"{prefix}:*" if prefix else "*", count=1000))


def dump_under(client: redis.Redis, prefix: str | None) -> bytes:
    """Every key and value under ``prefix`` (None: all), whatever its type, as one blob."""
    parts: list[bytes] = []
    for key in keys_under(client, prefix):
        kind = client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else str(kind)
        parts.append(key)
        if kind == "string":
            parts.append(client.get(key) or b"")
        elif kind == "hash":
            for field, value in client.hgetall(key).items():
                parts += [field, value]
        elif kind == "set":
            parts += list(client.smembers(key))
        elif kind == "zset":
            parts += [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
        elif kind == "list":
            parts += list(client.lrange(key, 0, -1))
    return b"\n".join(parts)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    require_redis()
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    found = new_prefix()
    yield found
    for key in keys_under(redis_client, found):
        redis_client.delete(key)
