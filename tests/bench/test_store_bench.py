"""``python -m bench.store`` keeps working: a few messages through each store (no timings
asserted, the benchmark is its own command)."""

from __future__ import annotations

import pytest
import redis

from bench.store import measure
from tests.scale.redis_helpers import REDIS_URL
from tests.scale.redis_helpers import redis_client as redis_client  # the fixture


def test_the_in_memory_store_is_measured() -> None:
    lines = measure(5, None)
    assert lines[0].startswith("one chat message through the store")
    assert any(line.startswith("in-memory store") for line in lines)


@pytest.mark.redis
def test_the_owned_store_is_measured_and_leaves_no_key(redis_client: redis.Redis) -> None:
    before = set(redis_client.keys("bench-store-*"))
    lines = measure(5, REDIS_URL)
    assert any(line.startswith("owned store") for line in lines)
    assert set(redis_client.keys("bench-store-*")) == before
