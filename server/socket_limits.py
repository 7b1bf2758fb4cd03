"""Two limits that keep a process serving everyone when too many come or one stops reading.

- **Connections**: a process holds at most ``MAX_CONNECTIONS`` Engine.IO connections
  (``KREDS_MAX_CONNECTIONS``). One more handshake is answered ``503`` with ``Retry-After`` at
  once, before Engine.IO sees it (the browser's client tries again later, as after a dropped
  connection), and counted in ``kreds_connections_refused_total``. Open connections are
  Engine.IO's own count; the web server's pool is larger (:func:`server.serve.server_options`),
  so that pages, health checks and the refusals themselves are still answered at the limit.
- **Backlog**: what a socket has not sent yet waits in its own queue, and a client that stops
  reading (a frozen tab, a dead network, on purpose) makes it grow while its connection lasts.
  Engine.IO bounds neither: a client that answers no ping is closed after the ping timeout
  (25 + 20 s), its queue freed only when the blocked send times out too; one that still sends
  its pongs is never closed. A socket that owes more than :data:`MAX_BACKLOG` characters is
  dropped: its queue is emptied, the socket closed as a transport error (so the person keeps
  their place for the reconnection grace, like any dropped connection), its TCP connection
  ended, and it is counted in ``kreds_sockets_too_slow_total``. A client that reads is never
  near it: its queue is emptied as fast as the network takes it. Emits to the others never wait
  for a slow socket in any case (a send only queues); the bound is for the process's memory."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from flask import Flask

from server.metrics import metrics_of

log = logging.getLogger(__name__)
# About a thousand chat messages of the longest kind, or a hundred snapshots of a large room: a
# client that far behind is better served by reconnecting and getting one fresh snapshot.
MAX_BACKLOG = 1024 * 1024
RETRY_AFTER_SECONDS = 10
REFUSAL = b"This server holds as many connections as it can. Please try again in a moment.\n"
WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def limit_sockets(app: Flask, path: str) -> None:
    """Put both limits on the app's Socket.IO server (``path``: the Engine.IO path); call right
    after Flask-SocketIO's ``init_app``."""
    server = app.extensions["socketio"].server
    limit = int(app.config.get("MAX_CONNECTIONS", 10_000))
    app.wsgi_app = ConnectionLimit(app.wsgi_app, path, server.eio, limit, app)  # type: ignore[method-assign]
    bound_backlogs(server, lambda: _count(app, "kreds_sockets_too_slow_total"))


def _count(app: Flask, name: str) -> None:
    metrics = metrics_of(app)
    if metrics is not None:
        metrics.inc(name)


class ConnectionLimit:
    """WSGI middleware in front of Engine.IO: a new connection beyond the limit gets 503."""

    def __init__(self, wsgi_app: WSGIApp, path: str, eio: Any, limit: int, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = "/" + path.strip("/") + "/"
        self.eio = eio
        self.limit = limit
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if len(self.eio.sockets) >= self.limit and self.is_handshake(environ):
            _count(self.app, "kreds_connections_refused_total")
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(REFUSAL))),
                    ("Retry-After", str(RETRY_AFTER_SECONDS)),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [REFUSAL]
        return self.wsgi_app(environ, start_response)

    def is_handshake(self, environ: dict[str, Any]) -> bool:
        """A request that would open a connection (requests of an open one name its ``sid``)."""
        if not str(environ.get("PATH_INFO", "")).startswith(self.prefix):
            return False
        return "sid" not in parse_qs(str(environ.get("QUERY_STRING", "")))


# ---- The backlog ------------------------------------------------------------------------------


def packet_size(packet: Any) -> int:
    """What a queued Engine.IO packet holds, in characters (bytes for binary ones)."""
    data = getattr(packet, "data", None)
    return len(data) + 1 if isinstance(data, str | bytes) else 16


class Backlog:
    """Mixed into the async mode's queue: it counts what it holds, and past ``limit`` it empties
    itself, ends the socket's transport (``None``, as Engine.IO does when it closes) and calls
    :meth:`overflowed`; it takes nothing more after that."""

    limit = MAX_BACKLOG

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owed = 0
        self.dropped = False

    def put(self, item: Any, *args: Any, **kwargs: Any) -> None:
        if item is not None:
            if self.dropped:
                return
            self.owed += packet_size(item)
            if self.owed > self.limit:
                self.dropped = True
                self._empty()
                super().put(None)  # type: ignore[misc]
                self.overflowed()
                return
        super().put(item, *args, **kwargs)  # type: ignore[misc]

    def get(self, *args: Any, **kwargs: Any) -> Any:
        item = super().get(*args, **kwargs)  # type: ignore[misc]
        if item is not None:
            self.owed -= packet_size(item)
        return item

    def overflowed(self) -> None:
        """Called once, when the backlog passes the limit (and has been emptied)."""

    def _empty(self) -> None:
        while self.qsize() > 0:  # type: ignore[attr-defined]
            try:
                super().get(block=False)  # type: ignore[misc]
            except Exception:  # emptied meanwhile (another thread, in threading mode)
                break
            self.task_done()  # type: ignore[attr-defined]
        self.owed = 0


def bound_backlogs(server: Any, counted: Callable[[], None], limit: int = MAX_BACKLOG) -> None:
    """Give every socket of ``server`` (python-socketio's) a :class:`Backlog`; a socket whose
    backlog overflows is closed in a background task (the overflow happens inside an emit to
    many sockets, which must not see the room change under it)."""
    eio = server.eio
    base = type(eio.create_queue())  # the async mode's queue class

    def overflowed(queue: Backlog) -> None:
        eio.start_background_task(drop_slow_socket, server, queue, counted)

    eio.create_queue = type(
        "SocketBacklog", (Backlog, base), {"limit": limit, "overflowed": overflowed}
    )


def drop_slow_socket(server: Any, queue: Backlog, counted: Callable[[], None]) -> None:
    """Close the socket whose backlog this is, as a transport error: the person keeps their
    place for the reconnection grace. Then end its TCP connection, so that the writer blocked on
    it and the reader waiting on it finish now rather than at the socket's timeout."""
    eio = server.eio
    found = next(((sid, s) for sid, s in list(eio.sockets.items()) if s.queue is queue), None)
    if found is None or found[1].closed:
        return
    sid, slow = found
    counted()
    log.warning("a socket was closed: its client stopped reading what it was sent")
    environ = server.environ.get(sid) or {}
    slow.close(wait=False, abort=True, reason=eio.reason.TRANSPORT_ERROR)
    connection = _websocket_connection(environ)
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


def _websocket_connection(environ: dict[str, Any]) -> Any:
    """The TCP connection of a socket that opened over WebSocket, where the web server tells
    (eventlet's, gunicorn's). None for one that began with long-polling: its handshake's
    connection is not its WebSocket's, and may carry the browser's other requests; that one ends
    at the socket's timeout."""
    if str(environ.get("HTTP_UPGRADE", "")).lower() != "websocket":
        return None
    stream = environ.get("eventlet.input")
    if stream is not None and hasattr(stream, "get_socket"):
        return stream.get_socket()
    return environ.get("gunicorn.socket")
