"""Nothing said is kept: canaries sent through chat, the private line and topics are found in
no database file, log, temporary file or Redis key after a meeting — with every logger at DEBUG
and Socket.IO/Engine.IO packet logging switched on."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_people import Person
from tests.live_server import LiveServer

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis():  # type: ignore[no-untyped-def]
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


@pytest.fixture(scope="module")
def noisy_server() -> Iterator[LiveServer]:
    temporary = Path(tempfile.mkdtemp(prefix="kreds-tmp-"))
    env = {
        "KREDS_LOG_LEVEL": "DEBUG",
        "KREDS_SOCKET_PACKET_LOGGING": "1",
        "KREDS_ACCESS_LOG": "1",
        "TMPDIR": str(temporary),
    }
    if _redis() is not None:
        # Emits then pass through Redis pub/sub, as with several processes.
        env["REDIS_URL"] = REDIS_URL
    with LiveServer(env=env) as server:
        server.temporary = temporary  # type: ignore[attr-defined]
        yield server


def _files_containing(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n.decode()}" for n in needles if n in data]
    return found


def test_the_log_holds_no_ip_address_and_no_token(noisy_server: LiveServer) -> None:
    import re

    import requests

    requests.get(f"{noisy_server.url}/invite/SECRET-TOKEN-123", timeout=5)
    requests.get(f"{noisy_server.url}/calendar/SECRET-TOKEN-456.ics", timeout=5)
    log = noisy_server.log()
    assert "GET /invite/<token> 404" in log
    assert "SECRET-TOKEN" not in log
    # The one line naming an address is the server's own, saying where it listens.
    lines = [line for line in log.splitlines() if not line.startswith("Kreds is serving on")]
    assert re.search(r"\b127\.0\.0\.1\b", "\n".join(lines)) is None


# Runs last: it stops the server to read everything it left behind.
def test_no_canary_survives_a_meeting(noisy_server: LiveServer) -> None:
    meeting_id = noisy_server.demo_meeting_id
    canaries = {
        kind: f"CANARY-{kind}-{uuid.uuid4().hex}" for kind in ("chat", "private", "reply", "topic")
    }
    facilitator = Person(noisy_server, "facilitator", meeting_id)
    participant = Person(noisy_server, "p1", meeting_id)
    try:
        facilitator.connect()
        facilitator.ok("join")
        participant.accept_agreement()
        participant.connect()
        participant.ok("join")
        waiting = facilitator.wait_for("room_state", lambda d: bool(d["facilitator"]["lobby"]))
        lobby = waiting["facilitator"]["lobby"]
        participant.user_id = lobby[0]["user_id"]
        facilitator.ok("admit", user_id=participant.user_id)
        participant.wait_for("admitted")

        participant.ok("chat", text=canaries["chat"])
        participant.ok("private_message", text=canaries["private"])
        participant.ok("signal", kind="not_ok")
        facilitator.ok("private_reply", user_id=participant.user_id, text=canaries["reply"])
        participant.ok("propose_topic", text=canaries["topic"])
        # Everything arrived where it was sent...
        assert facilitator.wait_for("chat")["text"] == canaries["chat"]
        facilitator.wait_for("private_message", lambda d: d["text"] == canaries["private"])
        participant.wait_for("private_message", lambda d: d["text"] == canaries["reply"])
        assert facilitator.wait_for("topic_proposed")["text"] == canaries["topic"]
        facilitator.ok("end_meeting")
        participant.wait_for("meeting_ended")
    finally:
        facilitator.close()
        participant.close()
    noisy_server.stop()

    # ...and nowhere else.
    needles = [c.encode() for c in canaries.values()]
    log = noisy_server.log()
    assert "DEBUG" in log and "engineio" in log, "the loggers were not switched on"
    assert [n for n in needles if n.decode() in log] == []
    assert _files_containing(noisy_server.instance_dir, needles) == []
    assert _files_containing(noisy_server.temporary, needles) == []  # type: ignore[attr-defined]
    redis = _redis()
    if redis is not None:
        for key in redis.scan_iter(count=1000):
            assert not any(n in key for n in needles), key
            if redis.type(key) == b"string":
                value = redis.get(key) or b""
                assert not any(n in value for n in needles), key
