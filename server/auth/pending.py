"""A log-in half done: the password was right, the second step (a code, or setting up two-step
log-in where it is required) is still to come.

It waits in the signed session cookie: the person's id, "keep me logged in", where to go next,
and until when it holds. It is not a log-in: Flask-Login knows nothing of it, so no page that
needs a log-in and no socket opens with it, and no login session exists until
:func:`server.auth.sessions.start` is called after the second step."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, session
from flask_login import current_user

from server.extensions import db, rate_limit_key
from server.models import User

KEY = "two_step_login"
# What "Leave quickly" sends to forget a waiting log-in (see quick_exit_token).
QUICK_EXIT_TOKEN = "waiting"
# How long the code page waits for a code, and the set-up page (which may need an app installed
# first) for its confirmation. Then the password is asked for again.
CODE_SECONDS = 5 * 60
SETUP_SECONDS = 15 * 60


@dataclass(frozen=True)
class PendingLogin:
    user: User
    remember: bool
    next: str


def begin(user: User, remember: bool, next_url: str, setup: bool) -> None:
    """Wait for ``user``'s second step on this browser."""
    seconds = SETUP_SECONDS if setup else CODE_SECONDS
    session[KEY] = {
        "user": user.id,
        "remember": remember,
        "next": next_url,
        "until": int(time.time()) + seconds,
    }


def current() -> PendingLogin | None:
    """The log-in waiting on this browser, while it holds and its person may log in."""
    waiting = session.get(KEY)
    if not isinstance(waiting, dict) or int(waiting.get("until", 0)) < time.time():
        return None
    user = db.session.get(User, int(waiting.get("user", 0)))
    if user is None or not user.active:
        return None
    return PendingLogin(user, bool(waiting.get("remember")), str(waiting.get("next") or "/"))


def drop() -> bool:
    """Forget the waiting log-in; whether there was one (perhaps expired)."""
    return session.pop(KEY, None) is not None


def quick_exit_token() -> str | None:
    """What the quick exit sends when a log-in waits on this browser: the answer deletes the
    session cookie, so that whoever opens the browser next cannot finish the log-in (set up an
    app of their own, where set-up is required). Nothing names the person; a cross-site request
    carries no cookie (SameSite=Lax), so it can forget nothing."""
    return QUICK_EXIT_TOKEN if KEY in session else None


def account_key() -> str:
    """The rate-limit key of code attempts: the account they are for (logged in, or waiting for
    its second step), so that guessing from many addresses gains nothing; else the address."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    waiting = current()
    if waiting is not None:
        return f"account:{waiting.user.id}"
    return rate_limit_key()


def code_limit() -> str:
    return str(current_app.config["TWO_FACTOR_RATE_LIMIT"])
