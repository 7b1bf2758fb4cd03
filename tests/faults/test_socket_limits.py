"""The two limits of :mod:`server.socket_limits`, without a server: a handshake beyond the limit
is refused with 503 (the requests of open connections are not), and a socket's backlog empties
itself and asks to be closed once it owes too much. The live tests show the same through a real
server (``test_connection_limit.py``, ``test_slow_reader.py``)."""

from __future__ import annotations

import queue
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from server.metrics import EXTENSION, Metrics
from server.serve import server_options
from server.socket_limits import (
    Backlog,
    ConnectionLimit,
    bound_backlogs,
    drop_slow_socket,
    packet_size,
)

pytestmark = pytest.mark.database_agnostic


class Called:
    def __init__(self) -> None:
        self.status = ""

    def __call__(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.status = status


def engineio(sockets: int) -> Any:
    return SimpleNamespace(sockets={f"s{n}": object() for n in range(sockets)})


def request(query: str, path: str = "/socket.io/") -> dict[str, str]:
    return {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}


def limited(sockets: int, limit: int = 3) -> tuple[ConnectionLimit, Metrics]:
    app = Flask(__name__)
    metrics = Metrics()
    app.extensions[EXTENSION] = metrics

    def behind(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"served"]

    return ConnectionLimit(behind, "socket.io", engineio(sockets), limit, app), metrics


def test_a_new_connection_beyond_the_limit_is_refused_with_503_and_counted() -> None:
    middleware, metrics = limited(sockets=3)
    called = Called()
    body = middleware(request("EIO=4&transport=websocket"), called)
    assert called.status.startswith("503")
    assert b"try again" in b"".join(body)
    assert metrics.value("kreds_connections_refused_total") == 1


def test_open_connections_and_pages_are_served_at_the_limit() -> None:
    middleware, metrics = limited(sockets=3)
    for environ in (
        request("EIO=4&transport=polling&sid=abc"),  # an open connection's next poll
        request("", path="/login"),
        request("", path="/healthz"),
    ):
        called = Called()
        assert middleware(environ, called) == [b"served"]
        assert called.status == "200 OK"
    assert metrics.value("kreds_connections_refused_total") == 0


def test_below_the_limit_a_new_connection_is_served() -> None:
    middleware, _ = limited(sockets=2)
    called = Called()
    assert middleware(request("EIO=4&transport=polling"), called) == [b"served"]


def test_eventlet_s_pool_holds_more_than_the_sockets_so_that_refusals_are_answered() -> None:
    assert server_options("eventlet", {"MAX_CONNECTIONS": 20})["max_size"] == 120
    assert server_options("eventlet", {"MAX_CONNECTIONS": 10_000})["max_size"] == 11_000


def packet(text: str) -> Any:
    return SimpleNamespace(data=text)


class QueueOf(Backlog, queue.Queue):  # type: ignore[type-arg]
    limit = 100

    def __init__(self) -> None:
        super().__init__()
        self.overflows = 0

    def overflowed(self) -> None:
        self.overflows += 1


def test_a_backlog_that_is_read_never_overflows() -> None:
    backlog = QueueOf()
    for _ in range(1000):
        backlog.put(packet("x" * 60))
        assert backlog.get(timeout=1).data == "x" * 60
        backlog.task_done()
    assert backlog.overflows == 0 and backlog.owed == 0


def test_a_backlog_that_owes_too_much_is_emptied_ended_and_reported_once() -> None:
    backlog = QueueOf()
    backlog.put(packet("x" * 60))
    backlog.put(packet("y" * 60))  # 122 characters owed: more than 100
    assert backlog.overflows == 1
    assert backlog.get(timeout=1) is None  # the transport ends, as when Engine.IO closes
    backlog.put(packet("z"))  # taken no more
    backlog.put(None)  # but the end is, whenever Engine.IO says it
    assert backlog.overflows == 1
    assert backlog.get(timeout=1) is None and backlog.empty()
    backlog.task_done()
    backlog.task_done()
    backlog.join()  # nothing is left unfinished for a close that waits


def test_control_packets_count_a_little() -> None:
    assert packet_size(SimpleNamespace(data=None)) == 16
    assert packet_size(SimpleNamespace(data=b"abc")) == 4


def test_every_socket_of_a_server_gets_a_backlog_of_the_async_mode_s_queue() -> None:
    started: list[Any] = []
    eio = SimpleNamespace(
        create_queue=queue.Queue,
        sockets={},
        start_background_task=lambda *args: started.append(args),
    )
    bound_backlogs(SimpleNamespace(eio=eio, environ={}), lambda: None, limit=10)
    backlog = eio.create_queue()
    assert isinstance(backlog, Backlog) and isinstance(backlog, queue.Queue)
    backlog.put(packet("x" * 20))
    assert len(started) == 1  # the close runs in a background task, not inside the emit


class Connection:
    def __init__(self) -> None:
        self.shut = False

    def shutdown(self, how: int) -> None:
        self.shut = True


class EngineSocket:
    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.closed = False
        self.reason = ""

    def close(self, wait: bool, abort: bool, reason: str) -> None:
        self.closed, self.reason = True, reason


@pytest.mark.parametrize("upgrade, shut", [("websocket", True), ("", False)])
def test_a_slow_socket_is_closed_as_a_dropped_connection(upgrade: str, shut: bool) -> None:
    backlog, other = QueueOf(), QueueOf()
    slow, fine = EngineSocket(backlog), EngineSocket(other)
    connection = Connection()
    environ = {
        "HTTP_UPGRADE": upgrade,
        "eventlet.input": SimpleNamespace(get_socket=lambda: connection),
    }
    eio = SimpleNamespace(
        sockets={"a": fine, "b": slow}, reason=SimpleNamespace(TRANSPORT_ERROR="transport error")
    )
    counted: list[int] = []
    drop_slow_socket(
        SimpleNamespace(eio=eio, environ={"b": environ}), backlog, lambda: counted.append(1)
    )
    # The person keeps their place: the room sees a transport error, as for a lost network.
    assert slow.closed and slow.reason == "transport error"
    assert not fine.closed
    assert counted == [1]
    # Its TCP connection ends too, when it is the socket's own (it opened over WebSocket).
    assert connection.shut is shut
