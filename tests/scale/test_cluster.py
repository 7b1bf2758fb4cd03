"""Processes that share Redis: heartbeats, and control messages that carry ids only."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import redis
from flask import Flask

from server.extensions import socketio
from server.room.live.cluster import RedisCluster
from tests.scale.redis_helpers import REDIS_URL, keys_under
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

pytestmark = pytest.mark.redis


def process(app: Flask, prefix: str, ttl: float = 60) -> RedisCluster:
    """A process of the cluster; its heartbeat outlives a slow test unless a test makes it short."""
    return RedisCluster(
        app,
        socketio,
        redis.Redis.from_url(REDIS_URL),
        redis.Redis.from_url(REDIS_URL),
        prefix,
        ttl,
    )


def test_a_process_whose_heartbeat_stopped_no_longer_counts(
    app: Flask, prefix: str, redis_client: redis.Redis
) -> None:
    silent, watcher = process(app, prefix, ttl=1), process(app, prefix)
    silent.beat()
    watcher.beat()
    assert watcher.live_processes() == 2
    time.sleep(1.2)
    watcher.beat()
    assert watcher.live_processes() == 1
    # Nothing of the stopped process is left behind.
    assert not [k for k in keys_under(redis_client, prefix) if silent.process_id.encode() in k]
    assert redis_client.smembers(f"{prefix}:processes") == {watcher.process_id.encode()}


def test_each_heartbeat_runs_what_the_runtime_asked_for(app: Flask, prefix: str) -> None:
    beats: list[float] = []
    cluster = process(app, prefix)
    cluster.every_beat = lambda: beats.append(time.time())
    cluster.beat()
    cluster.beat()
    assert len(beats) == 2


def test_control_messages_hold_ids_only_and_reach_the_other_processes(
    app: Flask, prefix: str, redis_client: redis.Redis
) -> None:
    sender, receiver = process(app, prefix), process(app, prefix)
    got: list[tuple[str, dict[str, Any]]] = []
    for cluster, name in ((sender, "sender"), (receiver, "receiver")):
        cluster.on("hand_over", lambda m, n=name: got.append((n, m)))  # type: ignore[misc]
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(f"{prefix}:control")
    time.sleep(0.1)
    sender.publish("hand_over", meeting_id=7)
    sender.publish("disconnect_user", user_id=10, ended_only=False)
    messages = []
    deadline = time.monotonic() + 3
    while len(messages) < 2 and time.monotonic() < deadline:
        found = listener.get_message(timeout=0.2)
        if found:
            messages.append(json.loads(found["data"]))
    listener.close()
    origin = sender.process_id
    assert messages == [
        {"op": "hand_over", "meeting_id": 7, "from": origin},
        {"op": "disconnect_user", "user_id": 10, "ended_only": False, "from": origin},
    ]
    for message in messages:
        sender.handle(message)  # its own: not carried out again
        receiver.handle(message)  # an operation it has no handler for is left alone
    assert got == [("receiver", messages[0])]
