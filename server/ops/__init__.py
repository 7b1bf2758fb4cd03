"""Operations: health and metrics for the people who run Kreds, and trust in the proxy in front.

``/healthz`` says whether the database (and Redis, when configured) answer; ``/metrics`` gives
Prometheus counts with no personal data. Behind a reverse proxy (nginx), ``KREDS_PROXY_HOPS``
tells Flask how many proxies to trust for the scheme (``X-Forwarded-Proto``: secure cookies, links)
and the client's address, which is only ever used hashed, for rate limits, and never logged."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.logs import _IP
from server.metrics import EXTENSION, Metrics
from server.ops.routes import bp, count_server_errors, observe_room

_CLIENT = re.compile(r"client=\S+")
WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


class NoAddressStream:
    """A WSGI error stream that blanks IP addresses: eventlet's WebSocket writes the client's
    address into ``wsgi.errors`` when a socket fails to close, outside Python's logging."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> Any:
        # eventlet writes "client=<address>:<port>"; the address may be IPv6 such as "::1".
        return self.stream.write(_IP.sub("-", _CLIENT.sub("client=-", text)))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()


def no_address_errors(app: WSGIApp) -> WSGIApp:
    def middleware(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("wsgi.errors") is not None:
            environ["wsgi.errors"] = NoAddressStream(environ["wsgi.errors"])
        return app(environ, start_response)

    return middleware


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    metrics = Metrics()
    app.extensions[EXTENSION] = metrics
    observe_room(app, metrics)
    app.after_request(count_server_errors)
    # Both wrap the whole app, Socket.IO's middleware included (it sees the forwarded scheme).
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )
    app.wsgi_app = no_address_errors(app.wsgi_app)  # type: ignore[method-assign,assignment]
