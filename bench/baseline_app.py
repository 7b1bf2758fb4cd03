"""The bare relay the benchmark compares Kreds with: Flask-SocketIO that puts a socket in a room
and relays chat (and reactions) to it. No log-in, no payload checks, no rules, no store.

Served exactly like Kreds, by ``server/serve.py`` (the same async mode and WSGI server, the same
listening socket and connection limit, start-up frozen out of the garbage collector, Redis as the
message queue for two processes), so the difference between the two is what Kreds does per event.
Every other event the load sends is answered ``{ok: true}`` and does nothing, so both servers see
the same packets, but for the round turns: the relay keeps no round, so its members never learn
that it is their turn (``round_next`` and ``round_pass``, about 5% of Kreds' client events)::

    python -m bench.baseline_app --port 5100 --mode eventlet [--redis-url URL --channel NAME]
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

from server.serve import patch_for_async_mode, serve


def main() -> None:
    parser = argparse.ArgumentParser(description="A bare Flask-SocketIO chat relay")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("eventlet", "gevent", "threading"), default="eventlet")
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--channel", default="bench-baseline")
    args = parser.parse_args()
    patch_for_async_mode(args.mode)

    from flask import Flask
    from flask_socketio import SocketIO, join_room

    from server.config import Config

    app = Flask(__name__)
    # The same process-level settings as Kreds (server/config.py, server/tuning.py).
    for name in ("MAX_CONNECTIONS", "GC_FREEZE_SECONDS", "GC_PASS_MS"):
        app.config[name] = getattr(Config, name)
    socketio = SocketIO(
        app,
        async_mode=args.mode,
        message_queue=args.redis_url,
        channel=args.channel,
        manage_session=False,
    )
    ids = itertools.count(1)

    def ok(data: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"ok": True, "data": data or {}}

    @app.get("/")
    def index() -> str:
        return "bare relay"

    @socketio.on("join")
    def join(data: dict[str, Any]) -> dict[str, Any]:
        join_room(f"meeting:{data['meeting_id']}")
        return ok({"where": "room"})

    @socketio.on("chat")
    def chat(data: dict[str, Any]) -> dict[str, Any]:
        message_id = f"m{next(ids)}"
        relayed = {"meeting_id": data["meeting_id"], "id": message_id, "text": data["text"]}
        relayed["at"] = time.time()
        socketio.emit("chat", relayed, to=f"meeting:{data['meeting_id']}")
        return ok({"id": message_id})

    @socketio.on("react")
    def react(data: dict[str, Any]) -> dict[str, Any]:
        relayed = {"meeting_id": data["meeting_id"], "kind": data.get("kind")}
        socketio.emit("reaction", relayed, to=f"meeting:{data['meeting_id']}")
        return ok()

    @socketio.on("*")
    def anything_else(event: str, data: Any = None) -> dict[str, Any]:
        return ok()

    # Served by Kreds' own code (server/serve.py: the listening socket, the connection limit;
    # server/tuning.py: the garbage collector's policy), so both differ only in what they do
    # per event.
    print(f"bare relay ({args.mode}) on http://{args.host}:{args.port}", flush=True)
    serve(app, socketio, args.host, args.port, args.mode)


if __name__ == "__main__":
    main()
