"""Where a person is logged in, and ending those log-ins: one other device, or everywhere."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from server.access import access
from server.account import bp
from server.auth import sessions
from server.extensions import db
from server.models import LoginSession


def device_name(device: str) -> str:
    """ "phone · Firefox", as the page's language says it."""
    kind, _sep, browser = device.partition(" · ")
    names = {"phone": _("Phone"), "tablet": _("Tablet"), "computer": _("Computer")}
    name = names.get(kind, _("Unknown device"))
    return f"{name} · {browser}" if browser else name


@bp.route("/account/security")
@access("login")
def security() -> str:
    return render_template(
        "account/security.html",
        logins=sessions.of_user(current_user),
        here=current_user.current_login,
        form=FlaskForm(),
        device_name=device_name,
    )


@bp.route("/account/security/sessions/<int:login_id>/end", methods=["POST"])
@access("login")
def end_session(login_id: int) -> Response:
    """Log out one of the person's own other devices."""
    from server import room

    form = FlaskForm()
    login = db.session.get(LoginSession, login_id)
    if form.validate_on_submit() and login is not None and login.user_id == current_user.id:
        if login.id == current_user.current_login.id:
            return redirect(url_for("auth.login"))  # the log-out button does this one
        sessions.end(login.id)
        db.session.commit()
        room.end_sessions(current_user.id)
        flash(_("That device is logged out."), "info")
    return redirect(url_for("account.security"))


@bp.route("/account/security/logout-everywhere", methods=["POST"])
@access("login")
def logout_everywhere() -> Response:
    """Every log-in of the person ends, this one included."""
    from server import room

    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.security"))
    user_id = int(current_user.id)
    sessions.end_all(current_user, keep=current_user.current_login)
    db.session.commit()
    sessions.end_here()
    room.end_sessions(user_id)
    flash(_("You are logged out everywhere."), "info")
    return redirect(url_for("auth.login"))
