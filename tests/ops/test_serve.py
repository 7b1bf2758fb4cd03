"""``python -m server``: each async mode serves without a terminal, and an eventlet process holds
more connections than eventlet's own default of 1,024."""

from __future__ import annotations

import socket

import pytest
import requests

from server.serve import DEFAULT_MAX_CONNECTIONS, server_options
from tests.live_server import LiveServer


def test_eventlet_holds_the_configured_number_of_connections(monkeypatch):
    monkeypatch.delenv("KREDS_MAX_CONNECTIONS", raising=False)
    assert server_options("eventlet") == {"max_size": DEFAULT_MAX_CONNECTIONS}
    monkeypatch.setenv("KREDS_MAX_CONNECTIONS", "3000")
    assert server_options("eventlet") == {"max_size": 3000}


def test_threading_is_allowed_without_a_terminal():
    assert server_options("threading") == {"allow_unsafe_werkzeug": True}
    assert server_options("gevent") == {}


@pytest.mark.live
def test_threading_mode_serves_without_a_terminal():
    with LiveServer({"KREDS_ASYNC_MODE": "threading"}) as server:
        assert requests.get(f"{server.url}/login", timeout=5).status_code == 200


@pytest.mark.live
def test_an_eventlet_server_answers_beyond_1024_open_connections():
    idle: list[socket.socket] = []
    with LiveServer({"KREDS_MAX_CONNECTIONS": "1500"}) as server:
        try:
            for _ in range(1100):
                idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
            # Each idle socket is a connection the server has accepted and holds: with eventlet's
            # default pool the next request would wait until one of them went away.
            answer = requests.get(f"{server.url}/login", timeout=10)
            assert answer.status_code == 200
        finally:
            for connection in idle:
                connection.close()
