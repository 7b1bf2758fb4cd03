"""Completing a log-in once the password was right (at the log-in page, or as an invitation made
a new account): the second step first where there is one, then a login session."""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response

from server.auth import notices, pending, sessions, two_factor
from server.models import User


def start_endpoint(user: User) -> str:
    """Where a log-in lands when nothing else was asked for: administrators hold no place in any
    group, so theirs is the administration area; everyone else's is their meetings."""
    return "admin.index" if user.is_admin else "dashboard.home"


def after_password(user: User, remember: bool, target: str) -> Response:
    """Log in, unless a second step comes first (a code, or setting up two-step log-in where it
    is required); then go to ``target`` (already a safe path)."""
    if user.totp_secret or two_factor.required_for(user):
        # Not logged in yet (server/auth/routes_two_step.py).
        pending.begin(user, remember, target, setup=not user.totp_secret)
        return redirect(url_for("auth.code" if user.totp_secret else "auth.setup"))
    complete(user, remember)
    return redirect(target)


def complete(user: User, remember: bool) -> None:
    """The log-in is complete: a login session starts, and waiting notices are shown."""
    pending.drop()
    sessions.start(user, remember=remember)
    notices.show_and_forget(user)
