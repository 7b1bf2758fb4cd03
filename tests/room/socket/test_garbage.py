"""A room event leaves no reference cycles behind that only the garbage collector could free.

Flask-SocketIO pushes a request context for every event, and pushing one matches the socket's URL
against the app's rules. Unmatched, werkzeug's ``NotFound`` (or, for a WebSocket, its
``WebsocketMismatch``) was kept on the request with its traceback: about 56 objects of cyclic
garbage per event, and the collector's passes it caused pause every socket of the process
(server/tuning.py gives the path a URL rule)."""

from __future__ import annotations

import gc
import types
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, request

from tests.room.conftest import LiveMeeting

EVENTS = 50
# What werkzeug's matcher leaves per match all the same: its recursive inner function and the
# cells that hold it (8 objects). The routing exception's frames made 56.
MOST_PER_EVENT = 12

ENVIRON = {
    "PATH_INFO": "/socket.io/",
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "5000",
    "HTTP_HOST": "127.0.0.1:5000",
    "wsgi.url_scheme": "http",
}


@pytest.mark.parametrize(
    "extra",
    [
        {"REQUEST_METHOD": "GET", "HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "Upgrade"},
        {"REQUEST_METHOD": "GET", "QUERY_STRING": "EIO=4&transport=polling"},
        {"REQUEST_METHOD": "POST", "QUERY_STRING": "EIO=4&transport=polling"},
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/socket.io"},
    ],
    ids=["websocket", "polling", "polling-post", "no-slash"],
)
def test_an_event_s_request_context_finds_a_rule(app: Flask, extra: dict[str, str]) -> None:
    with app.request_context({**ENVIRON, **extra}):
        assert request.routing_exception is None
        assert request.endpoint in ("socket_path", "socket_path_websocket")


def kept_garbage(action: Callable[[], Any]) -> list[Any]:
    """The cyclic garbage that ``EVENTS`` calls of ``action`` leave for the collector."""
    for _ in range(5):  # what earlier tests left (their apps' finalizers free more)
        if not gc.collect():
            break
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(EVENTS):
            action()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.parametrize("event", ["chat", "react"])
def test_a_room_event_leaves_no_cycles_but_werkzeug_s_own(meeting: LiveMeeting, event: str) -> None:
    person = meeting.participants[0]
    fields = {"text": "hello there"} if event == "chat" else {"kind": "hear_you"}
    assert person.send(event, **fields)["ok"]
    garbage = kept_garbage(lambda: person.send(event, **fields))
    kept = (types.FrameType, types.TracebackType, BaseException)
    assert not [o for o in garbage if isinstance(o, kept)], "an exception was kept per event"
    assert len(garbage) <= MOST_PER_EVENT * EVENTS, f"{len(garbage) / EVENTS:.0f} per event"
