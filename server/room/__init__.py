"""The live room: Socket.IO events over rules that live in plain Python."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from server.extensions import socketio

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        # Packet logging would write what people say: it stays off.
        logger=False,
        engineio_logger=False,
        max_http_buffer_size=app.config["MAX_SOCKET_PAYLOAD"],
        # Same origin only (python-engineio's default when no origins are listed).
        cors_allowed_origins=None,
        manage_session=False,
    )


def disconnect_user(user_id: int) -> None:
    """End every live connection of this person (log-out, deactivation, removal)."""
