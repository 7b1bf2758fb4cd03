"""The second step of a log-in, after a right password: a code from the person's app (or a
recovery code), or setting up two-step log-in where it is required and not yet set up. Nothing
here is a log-in until the step is done (server/auth/pending.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access
from server.auth import bp, pending, two_factor
from server.auth.code_pages import (
    code_attempts,
    confirm_set_up,
    login_limit,
    setup_offer,
    wrong_code,
)
from server.auth.forms import CodeForm, RecoveryCodeForm
from server.auth.logins import complete, start_endpoint
from server.extensions import db, limiter
from server.models import User


def _waiting() -> pending.PendingLogin | Response:
    """The log-in waiting on this browser for its second step, or where to go instead: the
    start page for someone logged in, the log-in page when nothing (or nothing current) waits."""
    if current_user.is_authenticated:
        return redirect(url_for(start_endpoint(current_user)))
    waiting = pending.current()
    return waiting if waiting is not None else _log_in_again()


def _log_in_again() -> Response:
    if pending.drop():
        flash(_("Your log-in was not finished in time. Please log in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@access("public")
@limiter.limit(login_limit, methods=["POST"])
@code_attempts
def code() -> str | Response:
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    user = waiting.user
    if not user.totp_secret:
        # Turned off meanwhile (by an administrator): the password was enough after all, unless
        # setting it up again is required.
        if two_factor.required_for(user):
            return redirect(url_for("auth.setup"))
        return _log_in_again()
    recovery = request.args.get("with") == "recovery"
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        used = two_factor.check(user, form.code.data or "")
        if used is None:
            form.code.errors = [*form.code.errors, wrong_code()]
        else:
            db.session.commit()
            complete(user, waiting.remember)
            if used == two_factor.Used.RECOVERY:
                _say_how_many_left(user)
            return redirect(waiting.next)
    return render_template("auth/code.html", form=form, recovery=recovery)


def _say_how_many_left(user: User) -> None:
    left = two_factor.recovery_codes_left(user)
    if left:
        message = ngettext(
            "You used a recovery code: %(num)d is left. On your Log-in and security page you "
            "can make new ones, or set up two-step log-in on a new phone.",
            "You used a recovery code: %(num)d are left. On your Log-in and security page you "
            "can make new ones, or set up two-step log-in on a new phone.",
            left,
        )
    else:
        message = _(
            "You used your last recovery code. On your Log-in and security page, make new ones "
            "now, or set up two-step log-in on a new phone."
        )
    flash(message, "warning" if left <= 3 else "info")


@bp.route("/login/setup", methods=["GET", "POST"])
@access("public")
@limiter.limit(login_limit, methods=["POST"])
@code_attempts
def setup() -> str | Response:
    """Setting up two-step log-in where it is required: right after the password, before any
    log-in starts, with no way round it."""
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    user = waiting.user
    if user.totp_secret:
        return redirect(url_for("auth.code"))
    form = CodeForm()
    codes = confirm_set_up(user, form)
    if codes is not None:
        complete(user, waiting.remember)
        return render_template("auth/recovery_codes.html", codes=codes, next=waiting.next)
    return render_template("auth/setup.html", form=form, required=True, **setup_offer(user))
