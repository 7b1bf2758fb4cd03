"""The live room: Socket.IO events over rules that live in plain Python.

``rules`` and ``state`` hold the room's logic without Flask or sockets; ``store`` owns the live
state; ``events`` are the thin handlers (registered through ``dispatch``); ``gate`` is the
database side. docs/protocol.md describes the wire protocol."""

from __future__ import annotations

from typing import NoReturn

from flask import Flask


def init_app(app: Flask) -> None:
    from server.extensions import socketio
    from server.logs import socket_logger
    from server.room import dispatch, events, sockets  # noqa: F401  (events register themselves)
    from server.room.runtime import init_runtime, runtime

    packet_logging = bool(app.config.get("SOCKET_PACKET_LOGGING"))
    queue = app.config.get("REDIS_URL")
    # The extension is shared by every app of the process (tests make many): a message queue's
    # manager kept from an earlier app must not outlive it.
    socketio.server_options.pop("client_manager", None)
    # With Redis, emits and room changes reach the sockets of every process (on one channel per
    # deployment prefix); without it, one process holds every socket.
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=queue,
        channel=f"{app.config['REDIS_PREFIX']}:socketio",
        # Packet logging would write what people say: it stays off (a test may switch it on to
        # prove that server.logs strips the contents even then). Loggers, never False: with
        # False each library adds a handler of its own.
        logger=socket_logger("socketio.server", packet_logging),
        engineio_logger=socket_logger("engineio.server", packet_logging),
        max_http_buffer_size=app.config["MAX_SOCKET_PAYLOAD"],
        # Same origin only (python-engineio's default when no origins are listed).
        cors_allowed_origins=None,
        manage_session=False,
        serializer=sockets.Packet,
    )
    _keep_socket_sessions(app)
    _route_socket_path(app)
    init_runtime(app)
    dispatch.register(socketio)

    @app.before_request
    def start_room_runtime() -> None:
        # Timer polling and heartbeats start with the first request (health checks included),
        # not at import: CLI commands build the app too.
        runtime(start=True)


def _keep_socket_sessions(app: Flask) -> None:
    """Decode a socket's session cookie once, at connect, instead of at every event (see
    :class:`server.room.identity.SocketSessionInterface`). Only over Flask's own cookie sessions:
    another session interface is left as it is."""
    from flask.sessions import SecureCookieSessionInterface

    from server.room.identity import SocketSessionInterface

    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = SocketSessionInterface()


def _route_socket_path(app: Flask) -> None:
    """Give the Socket.IO path rules in the app's URL map.

    Flask-SocketIO pushes a request context for every event, and pushing one matches the
    connection's URL against the app's rules. Without a rule for it, werkzeug raises ``NotFound``
    (``WebsocketMismatch`` for a WebSocket) and Flask keeps it on the request with its
    traceback, so the matcher's frames and the request end up in a reference cycle: about 56
    objects per event that only the garbage collector frees, and its passes pause every socket
    of the process (docs/benchmarks.md, "The collector's passes"). Engine.IO answers this path
    before Flask sees it, so the view never runs; if it did, it would answer 404. Its policy is
    "public" as far as HTTP goes: the socket itself is refused to anyone not logged in
    (:func:`server.room.dispatch.on_connect`)."""
    from flask import abort

    from server.access import access

    @access("public")
    def socket_path() -> NoReturn:
        abort(404)

    # The path Flask-SocketIO's middleware (just put in front of the app) answers, "/socket.io/"
    # unless configured otherwise. One rule for WebSocket connections (werkzeug matches them
    # only to rules that say so), one for Engine.IO's long-polling.
    path = str(app.wsgi_app.engineio_path)  # type: ignore[attr-defined]
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


def disconnect_user(user_id: int) -> None:
    """End every live connection of this person (deactivation, removal, a reset password), on
    every process. Their place in any meeting is given up at once (a server disconnect is
    deliberate)."""
    from server.extensions import socketio
    from server.room.runtime import runtime

    if socketio.server is None:
        return
    runtime().cluster.disconnect_user(user_id)


def end_sessions(user_id: int) -> None:
    """Close this person's live connections whose login session has ended (log-out on one device,
    quick exit, "log out everywhere else"), on every process; called after the commit."""
    from server.extensions import socketio
    from server.room.runtime import runtime

    if socketio.server is None:
        return
    runtime().cluster.disconnect_user(user_id, ended_only=True)


def close_meeting(meeting_id: int) -> None:
    """End a live room from outside it (its meeting was cancelled): everyone gets
    ``meeting_ended`` and leaves. Nothing happens when the room is not live."""
    import contextlib

    from server.room import rules
    from server.room.errors import RoomError
    from server.room.runtime import runtime

    with contextlib.suppress(RoomError):
        runtime().apply(meeting_id, lambda state, now: rules.close(state, now))
