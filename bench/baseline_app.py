"""The bare relay the benchmark compares Kreds with: Flask-SocketIO that puts a socket in a room
and relays chat (and reactions) to it. No log-in, no payload checks, no rules, no store.

Served like Kreds (``socketio.run``, the same async mode, Redis as the message queue for two
processes), so the difference between the two is what Kreds does per event. Every other event the
load sends is answered ``{ok: true}`` and does nothing, so both servers see the same packets.
It takes the process settings of Kreds' ``python -m server`` (``server/serve.py``): eventlet may
hold more than 1,024 connections, and what start-up made is frozen out of the garbage collector::

    python -m bench.baseline_app --port 5100 --mode eventlet [--redis-url URL --channel NAME]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import time
from typing import Any

MAX_CONNECTIONS = 20_000


def _patch(mode: str) -> None:
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def main() -> None:
    parser = argparse.ArgumentParser(description="A bare Flask-SocketIO chat relay")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("eventlet", "gevent", "threading"), default="eventlet")
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--channel", default="bench-baseline")
    args = parser.parse_args()
    _patch(args.mode)

    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
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

    # Start-up objects are kept out of the collector's full passes, as docs/benchmarks.md proposes
    # for Kreds' own server (server/serve.py).
    gc.collect()
    gc.freeze()
    print(f"bare relay ({args.mode}) on http://{args.host}:{args.port}", flush=True)
    extra: dict[str, Any] = {}
    if args.mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    elif args.mode == "eventlet":
        # eventlet's WSGI server holds 1,024 connections unless told otherwise, and each socket
        # is one: the reference is not held back by that default.
        extra["max_size"] = MAX_CONNECTIONS
    socketio.run(app, host=args.host, port=args.port, log_output=False, use_reloader=False, **extra)


if __name__ == "__main__":
    main()
