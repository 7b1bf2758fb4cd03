"""The light bench client's frames, held to what python-socketio's server (with Kreds' own
packet class, server/tuning.py) sends and reads. No server: frames are encoded and decoded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engineio import packet as eio
from socketio import packet as sio

from bench import wire
from bench.client import socket_url
from bench.members import owning_url
from server.tuning import Packet as KredsPacket


def from_server(packet_type: int, data: Any = None, id: int | None = None) -> str:
    """A Socket.IO packet as Kreds' server writes it on the WebSocket: one Engine.IO message."""
    encoded = KredsPacket(packet_type, data=data, id=id).encode()
    return eio.Packet(eio.MESSAGE, data=encoded).encode()


def as_server_reads(frame: str) -> sio.Packet:
    """A client frame as the server decodes it: Engine.IO first, then Socket.IO."""
    message = eio.Packet(encoded_packet=frame)
    assert message.packet_type == eio.MESSAGE
    return KredsPacket(encoded_packet=message.data)


def test_an_event_wanting_an_acknowledgement_is_what_the_server_reads() -> None:
    text = "bench 7.0.1.1 1000.000000 thank you for sharing ✓"
    frame = wire.event("chat", {"meeting_id": 7, "text": text}, ack_id=17)
    assert frame.startswith('4217["chat",')
    read = as_server_reads(frame)
    assert (read.packet_type, read.id, read.namespace) == (sio.EVENT, 17, None)
    assert read.data == ["chat", {"meeting_id": 7, "text": text}]


def test_an_event_without_an_acknowledgement_has_no_id() -> None:
    read = as_server_reads(wire.event("raise_hand", {"meeting_id": 3}))
    assert (read.packet_type, read.id) == (sio.EVENT, None)
    assert read.data == ["raise_hand", {"meeting_id": 3}]


def test_the_servers_acknowledgement_is_decoded_with_its_id_and_arguments() -> None:
    answer = {"ok": True, "data": {"id": "m1", "room": {"version": 4, "queue": [1, 2]}}}
    frame = wire.decode(from_server(sio.ACK, [answer], id=123))
    assert frame == wire.Frame("ack", [answer], 123)
    refused = {"ok": False, "error": {"code": "rate_limited", "message": "Slow down"}}
    assert wire.decode(from_server(sio.ACK, [refused], id=5)).data == [refused]


def test_the_servers_events_are_decoded_as_name_and_arguments() -> None:
    chat = {"meeting_id": 7, "id": "m2", "text": "hi [0] 42", "at": 1.5}
    assert wire.decode(from_server(sio.EVENT, ["chat", chat])) == wire.Frame(
        "event", ["chat", chat]
    )
    assert wire.decode(from_server(sio.EVENT, ["admitted"])).data == ["admitted"]


def test_the_handshake_and_the_heartbeat() -> None:
    opened = {"sid": "abc", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000}
    assert wire.decode(eio.Packet(eio.OPEN, opened).encode()) == wire.Frame("open", opened)
    assert as_server_reads(wire.CONNECT_FRAME).packet_type == sio.CONNECT
    accepted = wire.decode(from_server(sio.CONNECT, {"sid": "xyz"}))
    assert accepted == wire.Frame("connect", {"sid": "xyz"})
    refused = wire.decode(from_server(sio.CONNECT_ERROR, {"message": "not_logged_in"}))
    assert refused == wire.Frame("connect_error", {"message": "not_logged_in"})
    ping = wire.decode(eio.Packet(eio.PING).encode())
    assert ping.kind == "ping"
    assert eio.Packet(encoded_packet=wire.pong(ping)).packet_type == eio.PONG
    probe = wire.decode(eio.Packet(eio.PING, "probe").encode())
    assert eio.Packet(encoded_packet=wire.pong(probe)).data == "probe"
    assert as_server_reads(wire.DISCONNECT_FRAME).packet_type == sio.DISCONNECT
    assert wire.decode(eio.Packet(eio.CLOSE).encode()).kind == "close"


@pytest.mark.parametrize("frame", ["", "9", "47[]", '42/admin,["x"]', "42{not json"])
def test_what_is_not_engine_io_v4_text_is_refused(frame: str) -> None:
    with pytest.raises(ValueError):
        wire.decode(frame)


def test_a_frame_carries_the_json_python_would_write_compactly() -> None:
    frame = wire.event("react", {"meeting_id": 1, "kind": "me_too"}, ack_id=2)
    assert frame == "422" + json.dumps(["react", {"meeting_id": 1, "kind": "me_too"}]).replace(
        ", ", ","
    ).replace(": ", ":")


def test_members_of_a_meeting_connect_to_the_process_that_owns_it() -> None:
    urls = ["http://127.0.0.1:5001", "http://127.0.0.1:5002"]
    assert {owning_url(8, urls), owning_url(10, urls)} == {urls[0]}
    assert owning_url(9, urls) == urls[1]
    assert owning_url(9, urls[:1]) == urls[0]
    assert socket_url(urls[1], 9) == (
        "ws://127.0.0.1:5002/socket.io/?EIO=4&transport=websocket&meeting=9"
    )
