"""Everything tuned at the level of the process, in one place, each with its reason.

Kreds holds thousands of open sockets in one process (docs/benchmarks.md). A few library defaults
cost too much there, and are changed here: nothing else in the code works around a library.

- :func:`tune_app`: the socket path gets a URL rule, and a socket's session cookie is decoded once;
  the process holds a limited number of sockets, each owing its client a limited backlog
  (:mod:`server.socket_limits`);
- :class:`Packet`: Socket.IO's packet, with a cheaper search for binary data;
- :data:`MAX_DECODE_PACKETS`: Engine.IO decodes a browser's batched burst of candidates;
- :func:`tune_collector`: the garbage collector's passes stay short in a process full of sockets.

Only ``MAX_CONNECTIONS`` is an operator's setting (``KREDS_MAX_CONNECTIONS``); the collector's
timings are ``Config`` attributes, for tests."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any, NoReturn

from engineio.payload import Payload as EngineIOPayload
from flask import Flask, Request, abort
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from socketio.packet import Packet as SocketIOPacket

from server.access import access
from server.socket_limits import limit_sockets

# A browser batches what it sends while a long-polling request is under way: a burst of WebRTC
# candidates for a few peers can pass Engine.IO's default of 16 packets, which drops the
# connection. The request stays bounded by MAX_SOCKET_PAYLOAD. (A class attribute: per process.)
MAX_DECODE_PACKETS = 64
EngineIOPayload.max_decode_packets = MAX_DECODE_PACKETS

# The socket's session, decoded at the handshake, in its WSGI environ.
SOCKET_SESSION = "kreds.session"
_SCALARS = frozenset((str, int, float, bool, type(None)))


class Packet(SocketIOPacket):
    """Socket.IO's packet, with a faster check for binary data (the same answer): the library
    searches every packet sent with ``functools.reduce`` over lists built at each level, which
    for the room's snapshots cost more than encoding them."""

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        pending = [data]
        while pending:
            item = pending.pop()
            kind = type(item)
            if kind in _SCALARS:
                continue
            if kind is dict or isinstance(item, dict):
                pending.extend(item.values())
            elif kind is list or isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, bytes | bytearray):
                return True
        return False


class SocketSessionInterface(SecureCookieSessionInterface):
    """Flask-SocketIO pushes a request context, and so opens the session cookie, for every
    event; a socket's cookie is the one of its handshake, so the session decoded at connect
    (:func:`keep_socket_session`) serves its events. An HTTP request is decoded as usual."""

    def open_session(self, app: Any, request: Request) -> SecureCookieSession | None:
        kept = request.environ.get(SOCKET_SESSION)
        if isinstance(kept, SecureCookieSession):
            return kept
        return super().open_session(app, request)


def keep_socket_session(environ: dict[str, Any], session: SessionMixin) -> None:
    """Keep the session opened at a socket's handshake for the socket's events."""
    opened = getattr(session, "_get_current_object", lambda: session)()
    if isinstance(opened, SecureCookieSession):
        environ[SOCKET_SESSION] = opened


def tune_app(app: Flask, path: str) -> None:
    """The app's part: the session kept per socket (only over Flask's own cookie sessions), a
    URL rule for the socket path, and the limits on sockets (:func:`limit_sockets`).

    Without the rule, every event's request context fails to match its URL, and Flask keeps the
    ``NotFound`` with its traceback: a reference cycle per event that only the collector frees.
    Engine.IO answers the path before Flask sees it, so the view never runs; if it did, it would
    answer 404. The socket itself is refused to anyone not logged in (the room's connect)."""
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = SocketSessionInterface()

    @access("public")
    def socket_path() -> NoReturn:
        abort(404)

    # One rule for WebSocket connections (werkzeug matches them only to rules that say so), one
    # for Engine.IO's long-polling.
    for endpoint, options in (
        ("socket_path", {"methods": ["GET", "POST"]}),
        ("socket_path_websocket", {"methods": ["GET"], "websocket": True}),
    ):
        app.add_url_rule(
            path,
            endpoint=endpoint,
            view_func=socket_path,
            strict_slashes=False,
            **options,
        )
    limit_sockets(app, path)


# ---- The garbage collector -------------------------------------------------------------------
# Each connected member keeps about 170 container objects alive (sockets, timers, greenthreads,
# queues). CPython's full pass walks all of them, pausing every socket of the process; its young
# and middle passes come by allocations less deallocations, which nearly cancel out in a process
# that holds sockets, so they came rarely and walked much. So:
# - what has survived is frozen every GC_FREEZE_SECONDS (``gc.freeze``): full passes walk only
#   what is newer, and none runs by itself in between; one runs over everything every hour;
# - a middle pass comes after two young ones, not ten;
# - the young and middle passes also run by the clock, every GC_PASS_MS, so each stays short.
FULL_COLLECTION_SECONDS = 3600
NO_AUTOMATIC_FULL_PASS = 1_000_000
MIDDLE_PASS_EVERY = 2


def tune_collector(socketio: Any, config: Mapping[str, Any]) -> None:
    """Freeze what start-up made, then keep the collector's passes short (0 turns a part off)."""
    gc.collect()
    gc.freeze()
    every = int(config.get("GC_FREEZE_SECONDS", 10))
    if every <= 0:
        return
    young, _, _ = gc.get_threshold()
    gc.set_threshold(young, MIDDLE_PASS_EVERY, NO_AUTOMATIC_FULL_PASS)

    def freeze_now_and_then() -> None:
        waited = 0
        while True:
            socketio.sleep(every)
            waited += every
            if waited >= FULL_COLLECTION_SECONDS:
                waited = 0
                gc.unfreeze()
                gc.collect()
            gc.freeze()

    socketio.start_background_task(freeze_now_and_then)
    pass_ms = int(config.get("GC_PASS_MS", 25))
    if pass_ms > 0:
        socketio.start_background_task(collect_by_the_clock, socketio, pass_ms / 1000)


def collect_by_the_clock(socketio: Any, seconds: float) -> None:
    """A young pass every ``seconds``, and a middle one instead every ``MIDDLE_PASS_EVERY``-th."""
    passes = 0
    while True:
        socketio.sleep(seconds)
        passes += 1
        gc.collect(1 if passes % MIDDLE_PASS_EVERY == 0 else 0)
