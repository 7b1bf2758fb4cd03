"""What every page shares: security headers, error pages, template helpers."""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException

from server.extensions import db, login_manager

log = logging.getLogger(__name__)
# The database did not answer (restarting, unreachable, every pooled connection busy): a
# passing state, not a mistake in the page. A refused write (IntegrityError and the like) is not
# among them: that is a 500 with its traceback.
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 10

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The meeting room may compile WebAssembly, no other page may: the background blur runs its
# segmentation model in WebAssembly (client/src/media/segmenter.ts, served from our own
# /static/dist/assets/). 'wasm-unsafe-eval' allows compiling WebAssembly only, not eval() of
# JavaScript. See docs/media.md.
WASM_PAGES = frozenset({"meetings.room"})
ROOM_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=()"
)


def security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy", ROOM_CSP if request.endpoint in WASM_PAGES else CSP
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("ENV_NAME") == "production":
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Nothing but the static files is kept in a cache: not pages (Back after a log-out or a
        # quick exit asks the server again, and finds the session ended), not data downloads.
        response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None, default_endpoint: str = "dashboard.home") -> str:
    """Where to go after a log-in or a language switch: a path on this site, never another site.
    A target with a control character or whitespace (which browsers drop, so that ``/\t/evil``
    becomes ``//evil``) is refused outright with 400; anything else that is not a plain path
    goes to ``default_endpoint``."""
    if target and any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in target):
        abort(400)
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for(default_endpoint)


def local_time(value: datetime, tz: str | None = None, fmt: str = "full_short") -> str:
    """A UTC datetime shown in a time zone (the person's own by default), written the way the
    page's language writes dates (Danish "søndag den 22. november 2026", English "Sunday 22
    November 2026")."""
    zone = tz or (current_user.timezone if current_user.is_authenticated else None)
    local = value.astimezone(ZoneInfo(zone)) if zone else value
    # English pages are read in Europe: day before month.
    locale = "en_GB" if str(get_locale() or "en") == "en" else str(get_locale())
    date_full = dates.format_date(local.date(), "full", locale=locale)
    clock = dates.format_time(local.time(), "HH:mm", locale=locale)
    if fmt == "date":
        return date_full
    if fmt == "time":
        return clock
    if fmt == "short":
        return f"{dates.format_date(local.date(), 'medium', locale=locale)} {clock}"
    return f"{date_full}, {clock}"


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    app.add_template_filter(local_time, "local_time")

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {"quick_exit_url": current_app.config["QUICK_EXIT_URL"]}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        messages = {
            403: gettext("You do not have access to this page."),
            404: gettext("This page does not exist, or you do not have access to it."),
            405: gettext("This action is not allowed here."),
            413: gettext("What you sent is too large."),
            429: gettext("Too many attempts. Please wait a minute and try again."),
        }
        code = error.code or 500
        message = messages.get(code, gettext("Something went wrong."))
        return render_template("error.html", code=code, message=message), code

    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)


def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """503 and "try again in a moment" while the database does not answer, rendered without
    asking it again. Kreds itself needs no restart: the pool replaces stale connections
    (``pool_pre_ping``). Only the exception's type is logged, never its text (it quotes the
    statement and its parameters)."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    log.warning("the database did not answer: %s", type(error).__name__)
    # The page is shown as to someone logged out: showing the person would read them from the
    # database again (what was read of them expired with the rollback).
    g._login_user = login_manager.anonymous_user()
    message = gettext("Kreds cannot answer just now. Please try again in a moment.")
    page = render_template("error.html", code=503, message=message)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
