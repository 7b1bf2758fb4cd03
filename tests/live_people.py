"""People at a live server: an HTTP session and a python-socketio client each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio

from tests.live_server import DEMO_PASSWORD, LiveServer, logged_in, submit_form

TIMEOUT = 10


class Person:
    """One person's browser, reduced to an HTTP session and a Socket.IO client."""

    def __init__(self, server: LiveServer, login: str, meeting_id: int) -> None:
        self.server = server
        self.login = login
        self.meeting_id = meeting_id
        self.http = logged_in(server.url, login, DEMO_PASSWORD)
        self.client = socketio.Client(reconnection=False)
        self.received: list[tuple[str, Any]] = []
        self.changed = threading.Condition()
        self.client.on("*", self._record)
        self.user_id = 0

    def _record(self, event: str, *args: Any) -> None:
        with self.changed:
            self.received.append((event, args[0] if args else None))
            self.changed.notify_all()

    def connect(self) -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.client.connect(
            self.server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10
        )

    def accept_agreement(self) -> None:
        url = f"{self.server.url}/meetings/{self.meeting_id}"
        response = submit_form(self.http, url, {"accept": "y"})
        assert response.status_code == 302, response.text[:300]

    def send(self, event: str, **fields: Any) -> dict[str, Any]:
        ack = self.client.call(event, {"meeting_id": self.meeting_id, **fields}, timeout=TIMEOUT)
        assert isinstance(ack, dict)
        room = ack.get("data", {}).get("room") if ack.get("ok") else None
        if isinstance(room, dict):  # as the browser does: the sender's room_state is in its ack
            self._record("room_state", room)
        return ack

    def ok(self, event: str, **fields: Any) -> dict[str, Any]:
        ack = self.send(event, **fields)
        assert ack["ok"], (self.login, event, ack)
        return dict(ack["data"])

    def events(self, name: str) -> list[Any]:
        with self.changed:
            return [data for event, data in self.received if event == name]

    def wait_for(self, name: str, test: Callable[[Any], bool] = lambda data: True) -> Any:
        """The latest ``name`` event that passes ``test`` (waiting for it if needed)."""
        deadline = time.monotonic() + TIMEOUT
        with self.changed:
            while True:
                for event, data in reversed(self.received):
                    if event == name and test(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.login} did not receive a matching {name!r}")
                self.changed.wait(left)

    def latest_state(self, test: Callable[[Any], bool]) -> Any:
        """Wait until the newest room snapshot passes ``test``."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            states = self.events("room_state")
            if states and test(max(states, key=lambda s: s["version"])):
                return max(states, key=lambda s: s["version"])
            time.sleep(0.02)
        raise AssertionError(f"{self.login}: the room never reached the expected state")

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()
