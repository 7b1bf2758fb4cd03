"""Engine.IO v4 and Socket.IO v5 text frames, as the light bench client speaks them.

Over the WebSocket transport every frame is one Engine.IO packet: its type is the first
character (``0`` open, ``1`` close, ``2`` ping, ``3`` pong, ``4`` message, ``6`` noop). A message
carries one Socket.IO packet, whose type is the second character (``0`` connect, ``1``
disconnect, ``2`` event, ``3`` acknowledgement, ``4`` connect error), then the acknowledgement id
in decimal digits when there is one, then its JSON. The default namespace ``/`` is never
written, and the bench sends no binary data, so neither is handled::

    0{"sid":"…","pingInterval":25000,…}   the server opens the Engine.IO session
    40  /  40{"sid":"…"}                   the client connects to "/", the server accepts
    44{"message":"not_logged_in"}          … or refuses
    2  →  3                                the server's ping, the client's pong
    42["chat",{…}]                         an event (the server's, or the client's without ack)
    4217["chat",{…}]                       the client's event that wants acknowledgement 17
    4317[{"ok":true,…}]                    the server's acknowledgement 17, its arguments

python-socketio's ``Packet`` (and Kreds' subclass, server/tuning.py) encode and decode the same
(tests/bench/test_wire.py holds the two to it)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

OPEN, CLOSE, PING, PONG, MESSAGE, NOOP = "0", "1", "2", "3", "4", "6"
CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR = "0", "1", "2", "3", "4"

# What the client sends: connect to "/" (no auth: the log-in cookie identifies the person).
CONNECT_FRAME = MESSAGE + CONNECT
DISCONNECT_FRAME = MESSAGE + DISCONNECT
PONG_FRAME = PONG

_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.loads


class Frame(NamedTuple):
    """A decoded frame. ``kind`` is one of ``open``, ``close``, ``ping``, ``pong``, ``noop``,
    ``connect``, ``disconnect``, ``event``, ``ack``, ``connect_error``; ``data`` is the JSON (an
    event's ``[name, *args]``, an acknowledgement's ``[*args]``) or a ping's text."""

    kind: str
    data: Any = None
    id: int | None = None


_ENGINE = {OPEN: "open", CLOSE: "close", PING: "ping", PONG: "pong", NOOP: "noop"}
_SOCKET = {
    CONNECT: "connect",
    DISCONNECT: "disconnect",
    EVENT: "event",
    ACK: "ack",
    CONNECT_ERROR: "connect_error",
}


def event(name: str, data: Any, ack_id: int | None = None) -> str:
    """A client event ``name`` with one argument, wanting acknowledgement ``ack_id`` if given."""
    head = MESSAGE + EVENT if ack_id is None else f"{MESSAGE}{EVENT}{ack_id}"
    return head + _dumps([name, data])


def pong(ping: Frame) -> str:
    """The answer to a ping: a pong with the ping's text (none from the server's heartbeat)."""
    return PONG + (ping.data or "")


def decode(text: str) -> Frame:
    """One text frame as a :class:`Frame`; ``ValueError`` for what is not Engine.IO v4 text."""
    if not text:
        raise ValueError("empty frame")
    engine = text[0]
    if engine != MESSAGE:
        kind = _ENGINE.get(engine)
        if kind is None:
            raise ValueError(f"unknown Engine.IO packet type {engine!r}")
        rest = text[1:]
        if kind == "open":
            return Frame(kind, _loads(rest))
        return Frame(kind, rest or None)
    kind = _SOCKET.get(text[1:2])
    if kind is None:
        raise ValueError(f"unknown Socket.IO packet type {text[1:2]!r}")
    if text[2:3] == "/":
        raise ValueError("namespaces other than '/' are not spoken here")
    start = end = 2
    while end < len(text) and text[end].isdigit():
        end += 1
    ack_id = int(text[start:end]) if end > start else None
    data = _loads(text[end:]) if end < len(text) else None
    return Frame(kind, data, ack_id)
