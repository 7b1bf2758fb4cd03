"""The entry point that serves Kreds with Flask-SocketIO's own server.

The first thing it does is monkey-patch for the configured async mode: redis-py and the database
driver must see the patched ``socket`` and ``threading``."""

from __future__ import annotations

import os


def patch_for_async_mode(mode: str) -> None:
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def main() -> None:
    patch_for_async_mode(os.environ.get("KREDS_ASYNC_MODE", "eventlet"))

    import argparse

    from server import create_app
    from server.extensions import socketio

    parser = argparse.ArgumentParser(description="Serve Kreds")
    parser.add_argument("--host", default=os.environ.get("KREDS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()

    app = create_app()
    print(f"Kreds is serving on http://{args.host}:{args.port}", flush=True)
    # log_output=False: the server's own access log would write each visitor's IP address.
    socketio.run(app, host=args.host, port=args.port, log_output=False, use_reloader=False)


if __name__ == "__main__":
    main()
