"""Logging that keeps no IP addresses and no content.

- The access log is Kreds' own: method, the route's *pattern* (``/invite/<token>``, never the
  token), status and duration. The web servers' own access logs stay off (they write addresses).
- Anything that looks like an IP address is blanked from every record.
- Socket.IO and Engine.IO packet logging stays off; should someone switch it on (the
  zero-persistence test does), the records from those loggers lose their arguments, which is
  where packet contents would be.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time

from flask import Flask, g, request
from werkzeug.wrappers import Response

# IPv4 and IPv6-looking tokens, replaced in any record that slips through.
# An IPv6 address may begin with "::" (``::1``, ``::ffff:10.0.0.1``), where ``\b`` finds no edge.
_IP = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
    r"|(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"
)
SOCKET_LOGGERS = ("engineio", "socketio", "engineio.server", "socketio.server")
ADDRESS_LOGGERS = ("", "werkzeug", "eventlet.wsgi", "gunicorn.access", "gunicorn.error", "kreds")
access_log = logging.getLogger("kreds.access")


class NoAddressFilter(logging.Filter):
    """Blanks anything that looks like an IP address in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _IP.search(message):
            record.msg = _IP.sub("-", message)
            record.args = ()
        return True


class NoContentFilter(logging.Filter):
    """Keeps only the fixed text of a Socket.IO/Engine.IO record: its arguments (packet data,
    event payloads) are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            template = str(record.msg)
            record.msg = re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifx]", "…", template)
            record.args = ()
        return True


def configure_logging(level: str) -> None:
    """Log to standard error at ``level``, with the filters on every handler."""
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    root.setLevel(level)
    no_address = NoAddressFilter()
    for handler in root.handlers:
        handler.addFilter(no_address)
    for name in ADDRESS_LOGGERS:
        logging.getLogger(name).addFilter(no_address)
    no_content = NoContentFilter()
    for name in SOCKET_LOGGERS:
        logging.getLogger(name).addFilter(no_content)


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging(os.environ.get("KREDS_LOG_LEVEL", "INFO").upper())
    else:
        configure_logging(logging.getLevelName(logging.getLogger().level))
    app.logger.addFilter(NoAddressFilter())

    if not app.config.get("ACCESS_LOG", True):
        return

    @app.before_request
    def start_timer() -> None:
        g.kreds_started = time.perf_counter()

    @app.after_request
    def log_access(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        took = (time.perf_counter() - g.get("kreds_started", time.perf_counter())) * 1000
        access_log.info("%s %s %s %.0fms", request.method, rule, response.status_code, took)
        return response
