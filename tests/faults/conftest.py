"""Fixtures of the fault tests: a Redis and a PostgreSQL of their own (:mod:`.services`), which the
tests stop and start again, skipped with the reason where the binaries are missing; and one Kreds
process that two of the tests share (each server takes a while to start on a busy machine)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.helpers import METRICS_TOKEN, FaultServer
from tests.faults.services import PrivatePostgres, PrivateRedis, postgres_missing, redis_missing

# Sockets one_process holds at once (KREDS_MAX_CONNECTIONS).
CONNECTION_LIMIT = 20


@pytest.fixture(scope="module")
def private_redis() -> Iterator[PrivateRedis]:
    missing = redis_missing()
    if missing:
        pytest.skip(missing)
    found = PrivateRedis().start()
    try:
        yield found
    finally:
        found.close()


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    missing = postgres_missing()
    if missing:
        pytest.skip(missing)
    found = PrivatePostgres()
    try:
        yield found.create()
    finally:
        found.close()


@pytest.fixture(scope="package")
def one_process() -> Iterator[FaultServer]:
    """One process, rooms in its memory (no Redis): at most ``CONNECTION_LIMIT`` sockets, chat
    without its own rate limit (the room's budget per person stays), and a second meeting, of
    Jonas (facilitating) and Linden, besides the demo's."""
    env = {
        "REDIS_URL": "",
        "KREDS_METRICS_TOKEN": METRICS_TOKEN,
        "KREDS_MAX_CONNECTIONS": str(CONNECTION_LIMIT),
        "KREDS_ROOM_CHAT_RATE_COUNT": "1000000",
    }
    found = FaultServer(env, second_meeting={"cofacilitator": "facilitator", "p4": "participant"})
    with found:
        yield found
