from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from server.access import access
from server.auth import bp
from server.auth.forms import LoginForm, NewPasswordForm
from server.auth.service import authenticate, find_reset, use_reset
from server.extensions import db, limiter


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _token_limit() -> str:
    return str(current_app.config["TOKEN_PAGE_RATE_LIMIT"])


def _safe_next(target: str | None) -> str:
    # Only paths on this site: never an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data or "", form.password.data or "")
        if user is None:
            # The same words whether the name exists or not.
            flash(_("The login name or password is not right."), "error")
        else:
            session.clear()
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access("login")
def logout() -> Response:
    from server import room

    room.disconnect_user(current_user.id)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access("token")
@limiter.limit(_token_limit)
def reset(token: str) -> str | Response:
    found = find_reset(token)
    if found is None or not found.usable:
        return render_template("auth/reset_invalid.html"), 404  # type: ignore[return-value]
    form = NewPasswordForm()
    if form.validate_on_submit():
        from server import room

        use_reset(found, form.password.data or "")
        db.session.commit()
        # Every session of this person ended: their live connections too (on every process).
        room.disconnect_user(found.user_id)
        flash(_("Your password is changed. You can log in now."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=found.user)
