"""The Socket.IO transport: an oversize packet is refused at the Engine.IO level, and logging out
closes that person's sockets at once."""

from __future__ import annotations

import time

import pytest

from tests.live_people import Person
from tests.live_server import LiveServer
from tests.live_server import live_server as live_server  # the fixture

pytestmark = [pytest.mark.live, pytest.mark.timeout(60)]


def _wait_disconnected(person: Person, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not person.client.connected:
            return True
        time.sleep(0.05)
    return False


def test_a_packet_over_the_size_limit_closes_the_connection(live_server: LiveServer) -> None:
    person = Person(live_server, "facilitator", live_server.demo_meeting_id)
    try:
        person.connect()
        person.ok("join")
        person.client.emit("chat", {"meeting_id": person.meeting_id, "text": "x" * 200_000})
        assert _wait_disconnected(person), "Engine.IO accepted a 200 KB packet"
    finally:
        person.close()


def test_logging_out_closes_the_persons_sockets(live_server: LiveServer) -> None:
    person = Person(live_server, "cofacilitator", live_server.demo_meeting_id)
    try:
        person.connect()
        person.ok("join")
        page = person.http.get(f"{live_server.url}/account", timeout=5)
        from tests.live_server import form_fields

        token = form_fields(page.text)["csrf_token"]
        person.http.post(f"{live_server.url}/logout", data={"csrf_token": token}, timeout=5)
        assert _wait_disconnected(person), "the socket stayed open after log-out"
    finally:
        person.close()
