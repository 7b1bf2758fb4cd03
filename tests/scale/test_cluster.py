"""Processes that share Redis: heartbeats, the sockets each holds, the reaper, control messages."""

from __future__ import annotations

import json
import threading
import time

import pytest
import redis
from flask import Flask

from server.extensions import socketio
from server.room.live.cluster import RedisCluster
from tests.scale.redis_helpers import REDIS_URL, keys_under
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

pytestmark = pytest.mark.redis
Dropped = list[tuple[str, int, int]]


def process(app: Flask, prefix: str, dropped: Dropped, ttl: float = 60) -> RedisCluster:
    """A process of the cluster; its heartbeat outlives a slow test unless a test makes it short."""

    def on_dead_socket(sid: str, user_id: int, meeting_id: int) -> None:
        dropped.append((sid, user_id, meeting_id))

    return RedisCluster(
        app,
        socketio,
        redis.Redis.from_url(REDIS_URL),
        redis.Redis.from_url(REDIS_URL),
        prefix,
        on_dead_socket,
        ttl=ttl,
    )


def test_the_sockets_of_a_stopped_process_count_as_dropped_once(
    app: Flask, prefix: str, redis_client: redis.Redis
) -> None:
    dropped: Dropped = []
    stopped, *others = [process(app, prefix, dropped) for _ in range(3)]
    stopped.beat()
    stopped.remember("a1", 10, 7)
    stopped.remember("a2", 11, 7)
    stopped.remember("a3", 12, 7)
    stopped.remember("a3", 12, None)  # left the meeting before the process stopped
    for cluster in others:
        cluster.beat()
    assert others[0].reap() == 0 and others[0].live_processes() == 3

    redis_client.delete(f"{prefix}:process:{stopped.process_id}")  # its heartbeat expired
    barrier = threading.Barrier(len(others))

    def reap(cluster: RedisCluster) -> None:
        barrier.wait()
        cluster.reap()

    threads = [threading.Thread(target=reap, args=(c,)) for c in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(dropped) == [("a1", 10, 7), ("a2", 11, 7)]
    assert others[0].live_processes() == 2
    assert not [
        k
        for k in keys_under(redis_client, prefix)
        if stopped.process_id.encode() in k and b"reaped" not in k
    ]


def test_a_heartbeat_expires_on_its_own(app: Flask, prefix: str) -> None:
    dropped: Dropped = []
    silent, watcher = process(app, prefix, dropped, ttl=1), process(app, prefix, dropped)
    silent.beat()
    silent.remember("s1", 10, 7)
    watcher.beat()
    time.sleep(1.2)
    watcher.beat()
    assert watcher.live_processes() == 1
    watcher.reap()
    assert dropped == [("s1", 10, 7)]


def test_control_messages_hold_ids_only(app: Flask, prefix: str, redis_client: redis.Redis) -> None:
    sender = process(app, prefix, [])
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(f"{prefix}:control")
    time.sleep(0.1)
    with app.app_context():
        sender.release("sid-1", 7)
        sender.disconnect_user(10)
    messages = []
    deadline = time.monotonic() + 3
    while len(messages) < 2 and time.monotonic() < deadline:
        found = listener.get_message(timeout=0.2)
        if found:
            messages.append(json.loads(found["data"]))
    listener.close()
    origin = sender.process_id
    assert messages == [
        {"op": "release", "sid": "sid-1", "meeting_id": 7, "from": origin},
        {"op": "disconnect_user", "user_id": 10, "ended_only": False, "from": origin},
    ]
