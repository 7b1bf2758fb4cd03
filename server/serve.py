"""The entry point that serves Kreds with Flask-SocketIO's own server.

The first thing it does is monkey-patch for the configured async mode: redis-py and the database
driver must see the patched ``socket`` and ``threading``."""

from __future__ import annotations

import gc
import os
from typing import Any

# eventlet's WSGI server holds 1,024 connections unless told otherwise, and every socket of a
# meeting is one: a process is meant to hold a few thousand members (docs/benchmarks.md).
DEFAULT_MAX_CONNECTIONS = 10_000


def patch_for_async_mode(mode: str) -> None:
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def server_options(mode: str) -> dict[str, Any]:
    """What ``socketio.run`` passes to the async mode's own server."""
    if mode == "eventlet":
        return {"max_size": int(os.environ.get("KREDS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))}
    if mode == "threading":
        # Flask-SocketIO refuses Werkzeug's server without a terminal unless told: threading is
        # chosen on purpose by configuration (docs/deploy.md says what it costs).
        return {"allow_unsafe_werkzeug": True}
    return {}


def main() -> None:
    mode = os.environ.get("KREDS_ASYNC_MODE", "eventlet")
    patch_for_async_mode(mode)

    import argparse

    from server import create_app
    from server.extensions import socketio

    parser = argparse.ArgumentParser(description="Serve Kreds")
    parser.add_argument("--host", default=os.environ.get("KREDS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()

    app = create_app()
    # What start-up made (modules, the app, the catalogues) lives as long as the process: keep
    # it out of the collector's full passes, which otherwise walk it again and again under load.
    gc.collect()
    gc.freeze()
    print(f"Kreds is serving on http://{args.host}:{args.port}", flush=True)
    # log_output=False: the server's own access log would write each visitor's IP address.
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        log_output=False,
        use_reloader=False,
        **server_options(mode),
    )


if __name__ == "__main__":
    main()
