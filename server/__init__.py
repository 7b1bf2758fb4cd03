"""Kreds: private online meeting rooms for peer-support groups.

This package import stays light on purpose: the entry point (``python -m server``)
must be able to monkey-patch for eventlet or gevent before anything imports
``socket`` or ``threading``. ``create_app`` therefore imports the application
lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None, **overrides: Any) -> Flask:
    """Build the Flask application (see :mod:`server.app`)."""
    from server.app import create_app as _create_app

    return _create_app(config, **overrides)
