"""Logging that keeps no IP addresses and no content.

- The access log is Kreds' own: method, the route's *pattern* (``/invite/<token>``, never the
  token), status and duration. The web servers' own access logs stay off (they write addresses).
- Every record is made safe when it is made (a log record factory), so whatever handler it
  reaches, and whoever added that handler, sees it safe: anything that looks like an IP address
  is blanked.
- Socket.IO's and Engine.IO's records lose their arguments (where packet contents would be), the
  text they quote from a client (an ``Origin`` header, a session id) and their traceback: a
  malformed frame gives one short line, ``message handler error (JSONDecodeError)``. Their
  packet logging stays off; should someone switch it on (the zero-persistence test does), the
  same holds.
- A warning or error repeated word for word is written a few times a minute at most
  (:class:`Throttle`), so that a client sending garbage cannot fill the log.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

# IPv4 and IPv6-looking tokens, replaced in any record that slips through.
# An IPv6 address may begin with "::" (``::1``, ``::ffff:10.0.0.1``), where ``\b`` finds no edge.
_IP = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
    r"|(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"
)
# python-engineio's and python-socketio's loggers ("engineio.server", "socketio.server"…).
SOCKET_LIBRARIES = ("engineio", "socketio")
# What those libraries write with a client's own words in the text rather than in arguments:
# Engine.IO quotes the Origin header it refuses and the session id a request names.
_QUOTES_A_CLIENT = (
    (
        re.compile(r".* is not an accepted origin\.", re.DOTALL),
        "A request from another origin was refused.",
    ),
    (re.compile(r"Invalid session\b.*", re.DOTALL), "Invalid session."),
)
_PLACEHOLDER = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifx]")
_LONGEST_SOCKET_LINE = 200
access_log = logging.getLogger("kreds.access")


class NoAddressFilter(logging.Filter):
    """Blanks anything that looks like an IP address in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the text: keep the text alone
            message = _PLACEHOLDER.sub("…", str(record.msg))
            record.msg, record.args = message, ()
        if _IP.search(message):
            record.msg = _IP.sub("-", message)
            record.args = ()
        return True


class NoContentFilter(logging.Filter):
    """Keeps only the fixed text of a Socket.IO/Engine.IO record: its arguments (packet data,
    event payloads), whatever it quotes from a client and its traceback are dropped; an
    exception leaves the name of its type."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if record.args:
            text = _PLACEHOLDER.sub("…", text)
            record.args = ()
        for quoting, fixed in _QUOTES_A_CLIENT:
            if quoting.match(text):
                text = fixed
                break
        if record.exc_info:
            # The traceback's last line quotes the exception, which may quote the frame.
            kind = record.exc_info[0]
            text = f"{text} ({kind.__name__ if kind is not None else 'no exception'})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg = text[:_LONGEST_SOCKET_LINE]
        return True


_NO_ADDRESS = NoAddressFilter()
_NO_CONTENT = NoContentFilter()


def make_safe(record: logging.LogRecord) -> None:
    """What every record goes through as it is made: no content from the socket libraries, no
    address from anyone."""
    if record.name.split(".", 1)[0] in SOCKET_LIBRARIES:
        _NO_CONTENT.filter(record)
    _NO_ADDRESS.filter(record)


def _safe_records(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make_safe_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        make_safe(record)
        return record

    make_safe_record.kreds_safe = True  # type: ignore[attr-defined]
    return make_safe_record


class Throttle(logging.Filter):
    """Writes a warning or an error repeated word for word (same logger, level and text) at most
    ``burst`` times per ``window`` seconds; the next one written after some were left out says
    how many. Information (the access log) is left alone."""

    MAX_KEPT = 1000  # different lines remembered at once

    def __init__(
        self, burst: int = 5, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        # (logger, level, text) -> [since, written, left out]
        self._seen: dict[tuple[str, int, str], list[float]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        decided = getattr(record, "kreds_left_out", None)
        if decided is not None:  # the same record at another handler
            return not decided
        text = record.getMessage()
        key = (record.name, record.levelno, text)
        now = self.clock()
        left_out = 0
        with self._lock:
            seen = self._seen.get(key)
            if seen is None or now - seen[0] >= self.window:
                left_out = int(seen[2]) if seen is not None else 0
                if len(self._seen) >= self.MAX_KEPT:
                    self._forget(now)
                self._seen[key] = [now, 1, 0]
            elif seen[1] < self.burst:
                seen[1] += 1
            else:
                seen[2] += 1
                record.kreds_left_out = True
                return False
        if left_out:
            record.msg, record.args = f"{text} ({left_out} more like this were not written)", ()
        record.kreds_left_out = False
        return True

    def _forget(self, now: float) -> None:
        self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
        if len(self._seen) >= self.MAX_KEPT:
            self._seen.clear()


def configure_logging(level: str) -> None:
    """Log to standard error at ``level``; every record made safe, repeated errors throttled."""
    if not getattr(logging.getLogRecordFactory(), "kreds_safe", False):
        logging.setLogRecordFactory(_safe_records(logging.getLogRecordFactory()))
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    root.setLevel(level)
    throttle = Throttle()
    for handler in root.handlers:
        if not any(isinstance(found, Throttle) for found in handler.filters):
            handler.addFilter(throttle)


def socket_logger(name: str, packets: bool) -> logging.Logger:
    """The logger to give Socket.IO or Engine.IO (``"socketio.server"``, ``"engineio.server"``).

    Given ``False`` instead, each adds a handler of its own to its logger: every line written
    twice, once by a handler nobody configured. Without packet logging only errors are logged."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO if packets else logging.ERROR)
    return logger


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging(os.environ.get("KREDS_LOG_LEVEL", "INFO").upper())
    else:
        configure_logging(logging.getLevelName(logging.getLogger().level))

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
