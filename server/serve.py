"""The entry point that serves Kreds with Flask-SocketIO's own server.

The first thing it does is monkey-patch for the configured async mode: redis-py and the database
driver must see the patched ``socket`` and ``threading``."""

from __future__ import annotations

import os
from typing import Any

# Connections the eventlet pool holds besides the sockets: pages, health checks, refusals.
MIN_SPARE_CONNECTIONS = 100


def patch_for_async_mode(mode: str) -> None:
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def server_options(mode: str, config: Any) -> dict[str, Any]:
    """What the async mode's own server is given besides the app and the socket."""
    if mode == "eventlet":
        # eventlet's WSGI server holds 1,024 connections unless told, and each socket is one.
        # Sockets beyond MAX_CONNECTIONS are refused (server/socket_limits.py); the pool holds
        # more, so that pages, health checks and those refusals are answered at the limit
        # (a full pool would leave every new connection waiting, unanswered).
        sockets = int(config["MAX_CONNECTIONS"])
        return {"max_size": sockets + max(MIN_SPARE_CONNECTIONS, sockets // 10)}
    if mode == "threading":
        # Flask-SocketIO refuses Werkzeug's server without a terminal unless told: threading is
        # chosen on purpose by configuration (docs/deploy.md says what it costs).
        return {"allow_unsafe_werkzeug": True}
    return {}


def listening_socket(host: str, port: int) -> Any:
    """The listening socket, with Nagle's algorithm off for every connection accepted from it
    (Linux copies the option to them), as gunicorn does: a WebSocket sends many small frames, and
    a frame held back until the previous one is acknowledged waits for the receiver's delayed
    acknowledgement, tens of milliseconds. Call after monkey patching, so
    the socket is the async mode's own."""
    import socket  # here, not at the top: the module's socket is the patched one by now

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=2048)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def serve(app: Any, socketio: Any, host: str, port: int, mode: str) -> None:
    """Serve ``app`` (Flask-SocketIO's middleware in it) in ``mode`` until stopped.

    eventlet and gevent get :func:`listening_socket`; threading is Werkzeug's, through
    ``socketio.run``. No server writes an access log: it would hold each visitor's IP address."""
    from server import tuning  # here: after monkey patching, like everything it imports

    tuning.tune_collector(socketio, app.config)
    if mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(
            listening_socket(host, port), app, log_output=False, **server_options(mode, app.config)
        )
    elif mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        pywsgi.WSGIServer(
            listening_socket(host, port), app, handler_class=WebSocketHandler, log=None
        ).serve_forever()
    else:
        socketio.run(
            app,
            host=host,
            port=port,
            log_output=False,
            use_reloader=False,
            **server_options(mode, app.config),
        )


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
    print(f"Kreds is serving on http://{args.host}:{args.port}", flush=True)
    serve(app, socketio, args.host, args.port, mode)


if __name__ == "__main__":
    main()
