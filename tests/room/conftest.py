"""Fixtures for the live room: Socket.IO test clients of logged-in people, a controlled clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db, socketio
from server.models import Meeting, User
from server.room.live.runtime import RoomRuntime, runtime
from server.room.live.timers import ManualTimers
from tests.conftest import Course


class Clock:
    """The room's clock, moved by the test (it starts at the real time: meetings are real)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


class Sock:
    """One socket of one person, with the events it received kept in order. It connects for its
    meeting (the query's ``meeting``), as the browser does; ``for_meeting`` names another, or
    none (None)."""

    def __init__(
        self,
        app: Flask,
        client: FlaskClient,
        user: User,
        meeting_id: int,
        for_meeting: int | str | None = "its own",
    ) -> None:
        self.user = user
        self.meeting_id = meeting_id
        self.http = client  # the logged-in HTTP client whose cookie the socket has
        named = meeting_id if for_meeting == "its own" else for_meeting
        query = f"meeting={named}" if named is not None else None
        self.client = socketio.test_client(app, flask_test_client=client, query_string=query)
        self.seen: list[tuple[str, Any]] = []

    @property
    def connected(self) -> bool:
        return bool(self.client.is_connected())

    def send(self, event: str, **fields: Any) -> Any:
        """Emit an event about this socket's meeting; returns the acknowledgement."""
        return self.raw(event, {"meeting_id": self.meeting_id, **fields})

    def raw(self, event: str, *args: Any) -> Any:
        ack = self.client.emit(event, *args, callback=True)
        # As the browser does: the room_state an acknowledgement carries counts as received
        # then (the broadcast passed this socket by).
        room = ack.get("data", {}).get("room") if isinstance(ack, dict) and ack.get("ok") else None
        if isinstance(room, dict) and self.connected:
            self._drain()
            self.seen.append(("room_state", room))
        return ack

    def _drain(self) -> None:
        if self.connected:
            for packet in self.client.get_received():
                args = packet["args"]
                self.seen.append((packet["name"], args[0] if len(args) == 1 else args))

    def events(self, name: str) -> list[Any]:
        self._drain()
        return [data for event, data in self.seen if event == name]

    def last(self, name: str) -> Any:
        found = self.events(name)
        assert found, f"{self.user.display_name} received no {name!r}"
        return found[-1]

    def forget(self) -> None:
        self._drain()
        self.seen.clear()

    def drop(self) -> None:
        """The connection breaks (not a deliberate disconnect): the place is kept for a while."""
        socketio.server._handle_eio_disconnect(self.client.eio_sid, "transport close")
        self.client.connected["/"] = False


@pytest.fixture
def clock(app: Flask) -> Clock:
    fake = Clock()
    runtime().clock = fake
    timers = runtime().timers
    assert isinstance(timers, ManualTimers)
    return fake


@pytest.fixture
def room(app: Flask, clock: Clock) -> RoomRuntime:
    return runtime()


def run_timers(room: RoomRuntime, clock: Clock) -> int:
    timers = room.timers
    assert isinstance(timers, ManualTimers)
    return timers.run_due(clock.now)


def accept_agreement(user: User, meeting: Meeting) -> None:
    from server.meetings.service import accept

    accept(user.id, meeting)
    db.session.commit()


@pytest.fixture
def connect(app: Flask, course: Course, login_as, clock: Clock) -> Iterator[Callable[..., Sock]]:  # type: ignore[no-untyped-def]
    """``connect(user)`` gives a logged-in socket of that person for the course's meeting
    (``for_meeting``: connected for another meeting, or for none)."""
    opened: list[Sock] = []

    def _connect(
        user: User, meeting: Meeting | None = None, for_meeting: int | str | None = "its own"
    ) -> Sock:
        sock = Sock(app, login_as(user), user, (meeting or course.meeting).id, for_meeting)
        opened.append(sock)
        return sock

    yield _connect
    for sock in opened:
        if sock.connected:
            sock.client.disconnect()


@pytest.fixture
def enter(connect: Callable[..., Sock], course: Course) -> Callable[..., Sock]:
    """``enter(user)``: accept the agreement (participants), connect and join; facilitators are in
    the room at once, participants wait in the lobby."""

    def _enter(user: User) -> Sock:
        if user not in (course.facilitator, course.co_facilitator):
            accept_agreement(user, course.meeting)
        sock = connect(user)
        ack = sock.send("join")
        assert ack["ok"], ack
        return sock

    return _enter


class LiveMeeting:
    """A meeting under way: the facilitator, the co-facilitator, three admitted participants."""

    def __init__(self, facilitator: Sock, co: Sock, participants: list[Sock]) -> None:
        self.facilitator = facilitator
        self.co = co
        self.participants = participants

    @property
    def everyone(self) -> list[Sock]:
        return [self.facilitator, self.co, *self.participants]

    def forget(self) -> None:
        for sock in self.everyone:
            sock.forget()


@pytest.fixture
def meeting(enter: Callable[..., Sock], course: Course) -> LiveMeeting:
    facilitator = enter(course.facilitator)
    co = enter(course.co_facilitator)
    participants = [enter(p) for p in course.participants]
    ack = facilitator.send("admit_all")
    assert ack["ok"], ack
    running = LiveMeeting(facilitator, co, participants)
    running.forget()
    return running
