"""Logging that keeps no IP addresses and no content.

The access log names method, path and status only; Socket.IO and Engine.IO packet logging stays
off, since it would write what people say."""

from __future__ import annotations

import logging
import re

from flask import Flask

# IPv4 and IPv6-looking tokens, replaced in any record that slips through.
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b")


class NoAddressFilter(logging.Filter):
    """Blanks anything that looks like an IP address in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _IP.search(message):
            record.msg = _IP.sub("-", message)
            record.args = ()
        return True


def init_app(app: Flask) -> None:
    no_address = NoAddressFilter()
    for name in ("", "werkzeug", "engineio", "socketio", "eventlet.wsgi", "gunicorn.access"):
        logging.getLogger(name).addFilter(no_address)
    for handler in logging.getLogger().handlers:
        handler.addFilter(no_address)
    app.logger.addFilter(no_address)
