"""Where a person is logged in, and ending those log-ins: one other device, or everywhere.
Two-step log-in: setting it up, new recovery codes, turning it off."""

from __future__ import annotations

from typing import Any, cast

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.account import bp
from server.auth import sessions, two_factor
from server.auth.code_pages import (
    code_attempts,
    confirm_set_up,
    login_limit,
    setup_offer,
    wrong_code,
)
from server.auth.forms import CodeForm, NewRecoveryCodesForm, TurnOffForm
from server.extensions import db, limiter
from server.models import LoginSession, User


def device_name(device: str) -> str:
    """ "phone · Firefox", as the page's language says it."""
    kind, _sep, browser = device.partition(" · ")
    names = {"phone": _("Phone"), "tablet": _("Tablet"), "computer": _("Computer")}
    name = names.get(kind, _("Unknown device"))
    return f"{name} · {browser}" if browser else name


def _me() -> User:
    return cast(User, current_user._get_current_object())


def _page(**forms: Any) -> str:
    user = _me()
    return render_template(
        "account/security.html",
        logins=sessions.of_user(user),
        here=user.current_login,
        form=FlaskForm(),
        device_name=device_name,
        codes_form=forms.get("codes_form") or NewRecoveryCodesForm(prefix="codes"),
        off_form=forms.get("off_form") or TurnOffForm(prefix="off"),
        codes_left=two_factor.recovery_codes_left(user),
        two_step_required=two_factor.required_for(user),
    )


@bp.route("/account/security")
@access("login")
def security() -> str:
    return _page()


@bp.route("/account/security/sessions/<int:login_id>/end", methods=["POST"])
@access("login")
def end_session(login_id: int) -> Response:
    """Log out one of the person's own other devices."""
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


@bp.route("/account/security/two-step", methods=["GET", "POST"])
@access("login")
@limiter.limit(login_limit, methods=["POST"])
@code_attempts
def two_step_setup() -> str | Response:
    """Setting up two-step log-in: a QR code and the key, confirmed with a code; then the
    recovery codes, shown once."""
    user = _me()
    if user.totp_secret:
        return redirect(url_for("account.security"))
    form = CodeForm()
    codes = confirm_set_up(user, form)
    if codes is not None:
        flash(
            _("Two-step log-in is on. Other browsers where you were logged in are logged out."),
            "info",
        )
        return render_template(
            "auth/recovery_codes.html", codes=codes, next=url_for("account.security")
        )
    return render_template("auth/setup.html", form=form, required=False, **setup_offer(user))


@bp.route("/account/security/two-step/recovery-codes", methods=["POST"])
@access("login")
@limiter.limit(login_limit)
@code_attempts
def new_recovery_codes() -> str | Response:
    """New recovery codes, for a current code (so a borrowed log-in cannot make its own)."""
    user = _me()
    if not user.totp_secret:
        return redirect(url_for("account.security"))
    form = NewRecoveryCodesForm(prefix="codes")
    if form.validate_on_submit():
        if two_factor.check(user, form.code.data or "") is None:
            form.code.errors = [*form.code.errors, wrong_code()]
        else:
            codes = two_factor.new_recovery_codes(user)
            db.session.commit()
            flash(_("Your old recovery codes no longer work."), "info")
            return render_template(
                "auth/recovery_codes.html", codes=codes, next=url_for("account.security")
            )
    return _page(codes_form=form)


@bp.route("/account/security/two-step/off", methods=["POST"])
@access("login")
@limiter.limit(login_limit)
@code_attempts
def two_step_off() -> str | Response:
    """Turning two-step log-in off takes the password and a current code. Where it is required,
    this is how it moves to a new phone: off, then set up again at once (and at the next log-in
    at the latest)."""
    user = _me()
    if not user.totp_secret:
        return redirect(url_for("account.security"))
    form = TurnOffForm(prefix="off")
    if form.validate_on_submit():
        if not user.check_password(form.password.data or ""):
            form.password.errors = [*form.password.errors, _("This password is not right.")]
        elif two_factor.check(user, form.code.data or "") is None:
            form.code.errors = [*form.code.errors, wrong_code()]
        else:
            two_factor.turn_off(user)
            db.session.commit()
            if two_factor.required_for(user):
                flash(_("Now set up two-step log-in on your new phone."), "info")
                return redirect(url_for("account.two_step_setup"))
            flash(_("Two-step log-in is off."), "info")
            return redirect(url_for("account.security"))
    return _page(off_form=form)
