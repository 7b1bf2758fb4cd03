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
# How often the objects that have lived a while are moved out of the collector's full passes, and
# how often one full pass over everything runs all the same (docs/benchmarks.md, "The garbage
# collector's full passes").
DEFAULT_FREEZE_SECONDS = 10
FULL_COLLECTION_SECONDS = 3600
NO_AUTOMATIC_FULL_PASS = 1_000_000  # middle-generation passes before a full one: never, here
# Young passes before a middle one (CPython's default is 10). Every frame a socket sends leaves its
# writer waiting again on new objects (a timer, a timeout, a waiter) that outlive the young pass,
# so a middle pass walks what ten young passes kept: 10-27 ms at 1,500 members. After two, what
# two kept: the longest 9.8 ms where it was 25 (docs/benchmarks.md, "The middle generation").
MIDDLE_PASS_EVERY = 2
# The young and middle passes are also run by the clock, every KREDS_GC_PASS_MS (0: only when
# the collector decides). It decides by allocations less deallocations, and in a process that
# holds its members' sockets the two nearly cancel out (each frame frees the writer's last
# timer, timeout and waiter and makes new ones), so its passes came rarely and each walked about
# a second's survivors: 5 ms on average and up to 12 ms at 2,520 members, in which nothing is
# sent (docs/benchmarks.md, "The collector's clock").
DEFAULT_PASS_MS = 25


def patch_for_async_mode(mode: str) -> None:
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def freeze_long_lived(socketio: Any) -> None:
    """Keep the collector's full passes short in a process that holds many connections.

    Each connected member keeps about 170 container objects alive (eventlet's socket, timers and
    greenthreads, Engine.IO's socket and queue, the session). CPython's full collection walks
    every one of them whenever enough new objects have survived: at 2,000 members that is about
    330,000 objects, a pause of over 200 ms every few seconds, in which nothing is sent. Every
    ``KREDS_GC_FREEZE_SECONDS`` (0: never) what has survived so far is frozen (``gc.freeze``), so a
    full pass walks only what is newer, and no full pass runs by itself in between: the
    youngest and middle generations' passes free the cycles of an event, and the full ones found
    almost nothing left. Frozen objects are still freed when nothing refers to them; only
    reference cycles among them wait, for the full pass that runs over everything once an hour.
    What start-up made (modules, the app, the catalogues) is frozen at once, whatever the
    setting: it lives as long as the process."""
    gc.collect()
    gc.freeze()
    every = int(os.environ.get("KREDS_GC_FREEZE_SECONDS", DEFAULT_FREEZE_SECONDS))
    if every <= 0:
        return
    # No automatic full passes between the freezes: each walked everything that had survived
    # since the last freeze (20-65 ms at a thousand members) and found almost nothing to free
    # (docs/benchmarks.md, "The collector's passes"); the freeze moves those survivors out all
    # the same, and the hourly pass below frees the rare cycles among them.
    # Middle passes more often and so shorter: what survives them is frozen at the next freeze.
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
    pass_ms = int(os.environ.get("KREDS_GC_PASS_MS", DEFAULT_PASS_MS))
    if pass_ms > 0:
        socketio.start_background_task(collect_by_the_clock, socketio, pass_ms / 1000)


def collect_by_the_clock(socketio: Any, seconds: float) -> None:
    """A young pass every ``seconds``, and a middle one instead every ``MIDDLE_PASS_EVERY``-th:
    each walks only what is new since the last (about a millisecond at 2,520 members)."""
    passes = 0
    while True:
        socketio.sleep(seconds)
        passes += 1
        gc.collect(1 if passes % MIDDLE_PASS_EVERY == 0 else 0)


def server_options(mode: str) -> dict[str, Any]:
    """What the async mode's own server is given besides the app and the socket."""
    if mode == "eventlet":
        return {"max_size": int(os.environ.get("KREDS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))}
    if mode == "threading":
        # Flask-SocketIO refuses Werkzeug's server without a terminal unless told: threading is
        # chosen on purpose by configuration (docs/deploy.md says what it costs).
        return {"allow_unsafe_werkzeug": True}
    return {}


def listening_socket(host: str, port: int) -> Any:
    """The listening socket, with Nagle's algorithm off for every connection accepted from it
    (Linux copies the option to them), as gunicorn does: a WebSocket sends many small frames, and
    a frame held back until the previous one is acknowledged waits for the receiver's delayed
    acknowledgement, tens of milliseconds (docs/benchmarks.md). Call after monkey patching, so
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
    freeze_long_lived(socketio)
    if mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(
            listening_socket(host, port), app, log_output=False, **server_options(mode)
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
            **server_options(mode),
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
