"""The live meeting room, in three layers (docs/architecture.md):

- :mod:`.core` — the state, the rules that change it, the snapshots, the errors: plain Python;
- :mod:`.live` — the runtime that runs rules on stored state and carries out their outcomes;
- :mod:`.socket` — Socket.IO events in, acknowledgements out.

Here: wiring the room into the app, and what the rest of Kreds asks of a live room. The wire
protocol is docs/protocol.md."""

from __future__ import annotations

from flask import Flask

from server import tuning
from server.extensions import socketio
from server.logs import socket_logger
from server.room.live.ice import check_ice_config
from server.room.live.runtime import init_runtime, runtime
from server.room.socket import dispatch


def init_app(app: Flask) -> None:
    check_ice_config(app.config)
    packet_logging = bool(app.config.get("SOCKET_PACKET_LOGGING"))
    # No message queue, with Redis too: every socket of a meeting is on the process that holds
    # the meeting (server/room/live/placement.py), so every emit is delivered where it is made.
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Packet logging would write what people say: it stays off (a test may switch it on to
        # prove that server.logs strips the contents even then). Loggers, never False: with
        # False each library adds a handler of its own.
        logger=socket_logger("socketio.server", packet_logging),
        engineio_logger=socket_logger("engineio.server", packet_logging),
        max_http_buffer_size=app.config["MAX_SOCKET_PAYLOAD"],
        # Same origin only (python-engineio's default when no origins are listed).
        cors_allowed_origins=None,
        manage_session=False,
        serializer=tuning.Packet,
    )
    # The path Flask-SocketIO's middleware (just put in front of the app) answers.
    tuning.tune_app(app, str(app.wsgi_app.engineio_path))  # type: ignore[attr-defined]
    init_runtime(app)
    dispatch.register(socketio)

    @app.before_request
    def start_room_runtime() -> None:
        # Timer polling and heartbeats start with the first request (health checks included),
        # not at import: CLI commands build the app too.
        runtime(start=True)


def disconnect_user(user_id: int) -> None:
    """End every live connection of this person (deactivation, removal, a reset password), on
    every process. Their place in any meeting is given up at once (a server disconnect is
    deliberate)."""
    if socketio.server is not None:
        runtime().disconnect_user(user_id)


def end_sessions(user_id: int) -> None:
    """Close this person's live connections whose login session has ended (log-out on one device,
    quick exit, "log out everywhere else"), on every process; called after the commit."""
    if socketio.server is not None:
        runtime().disconnect_user(user_id, ended_only=True)


def left_quickly(user_id: int) -> None:
    """This person pressed "Leave quickly" (its beacon came): they leave their meetings, on every
    process, and the facilitators are told, even when the page's own ``leave`` never arrives."""
    if socketio.server is not None:
        runtime().left_quickly(user_id)


def close_meeting(meeting_id: int) -> None:
    """End a live room from outside it (its meeting was cancelled), on whichever process holds
    it: everyone gets ``meeting_ended`` and leaves. Nothing happens when the room is not live."""
    runtime().close(meeting_id)
