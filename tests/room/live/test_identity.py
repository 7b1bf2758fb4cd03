"""A socket keeps the person it connected as: their language for messages, and a check of every
socket of a process that missed control messages (tests/security/test_revocation.py has the paths
that end sessions)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis
from flask import Flask

from server.auth import sessions
from server.extensions import db, socketio
from server.room.live.cluster import RedisCluster
from server.room.live.runtime import runtime
from tests.conftest import Course
from tests.room.conftest import LiveMeeting, Sock
from tests.scale.redis_helpers import REDIS_URL
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client


def test_refusals_are_in_the_language_the_person_chose(
    connect: Callable[..., Sock], course: Course
) -> None:
    person = course.participants[0]
    person.language = "da"
    db.session.commit()
    sock = connect(person)
    assert sock.send("raise_hand")["error"]["message"] == "Gå ind i mødet først."
    english = connect(course.participants[1])
    assert english.send("raise_hand")["error"]["message"] == "Join the meeting first."


def test_a_second_socket_of_the_same_person_is_the_same_person(
    meeting: LiveMeeting, connect: Callable[..., Sock], course: Course
) -> None:
    again = connect(course.participants[0])
    assert again.send("join")["data"]["where"] == "room"
    chat = again.send("chat", text="from my phone")
    assert chat["ok"]
    said = meeting.facilitator.last("chat")
    assert said["from"] == {"user_id": course.participants[0].id, "name": "Birch"}


@pytest.mark.redis
@pytest.mark.timeout(60)
def test_a_process_that_lost_its_control_channel_closes_ended_sessions_when_back(
    app: Flask,
    meeting: LiveMeeting,
    course: Course,
    prefix: str,
    redis_client: redis.Redis,
) -> None:
    """A disconnect_user sent while a process was not listening is lost: when it listens again,
    it checks the sessions of every socket it holds."""
    name = f"{prefix}-listener"
    cluster = RedisCluster(
        app,
        socketio,
        redis.Redis.from_url(REDIS_URL),
        redis.Redis.from_url(REDIS_URL, client_name=name),
        prefix,
        ttl=30,
        when_listening=runtime(start=False).connections.end_ended_sessions,
    )
    cluster.start()
    channel = f"{prefix}:control"
    try:
        _wait_for(
            lambda: redis_client.pubsub_numsub(channel)[0][1] == 1, "the listener to subscribe"
        )
        birch = meeting.participants[0]
        sessions.end_all(course.participants[0])  # and the message that would say so is lost
        db.session.commit()
        for connection_id in _connection_ids(redis_client, name):
            redis_client.client_kill_filter(_id=connection_id)
        # redis-py may retry the killed connection first (up to ten times, backing off to 1 s)
        # before the listener sees the error, waits 1 s and subscribes again; a CI run once took
        # more than 10 s here.
        _wait_for(lambda: not birch.connected, "the ended session's socket to close", 40)
        assert all(sock.connected for sock in meeting.everyone if sock is not birch)
    finally:
        cluster.stop()


def _connection_ids(client: redis.Redis, name: str) -> list[str]:
    return [str(c["id"]) for c in client.client_list() if c.get("name") == name]


def _wait_for(condition: Callable[[], object], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")
