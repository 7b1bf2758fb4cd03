"""The server's Socket.IO packets find binary data exactly as python-socketio's own do."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from socketio.packet import Packet as SocketIOPacket

from server.extensions import socketio
from server.tuning import Packet

leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary()
data = st.recursive(
    leaves | st.builds(bytearray, st.binary()),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=5), inner, max_size=5)
        | st.tuples(inner, inner)
    ),
    max_leaves=40,
)


@given(data)
def test_binary_data_is_found_as_python_socketio_finds_it(found: Any) -> None:
    assert Packet.data_is_binary(found) == SocketIOPacket.data_is_binary(found)


def test_the_server_sends_these_packets(app: Flask) -> None:
    assert socketio.server is not None
    assert socketio.server.packet_class is Packet


def test_a_packet_with_bytes_is_binary_and_one_without_is_not() -> None:
    assert Packet(data=["chat", {"text": "hello", "people": [{"id": 1}]}]).packet_type == 2
    assert Packet(data=["file", {"parts": [b"\x00"]}]).packet_type == 5  # BINARY_EVENT
