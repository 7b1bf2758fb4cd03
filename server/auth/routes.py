from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.auth import bp, logins, pending, sessions
from server.auth.code_pages import login_limit
from server.auth.forms import LoginForm, NewPasswordForm
from server.auth.service import authenticate, find_reset, use_reset
from server.extensions import csrf, db, limiter
from server.web import safe_next


def _token_limit() -> str:
    return str(current_app.config["TOKEN_PAGE_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit(login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for(logins.start_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data or "", form.password.data or "")
        if user is None:
            # The same words whether the name exists or not; on the password, which is the one
            # to type again (the login name stays filled in above it).
            form.password.errors = [
                *form.password.errors,
                _("The login name or password is not right."),
            ]
        else:
            target = safe_next(request.args.get("next"), logins.start_endpoint(user))
            return logins.after_password(user, bool(form.remember.data), target)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access("login")
def logout() -> Response:
    user_id = int(current_user.id)
    ended = sessions.end_here()
    if ended is not None:
        room.end_sessions(user_id)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/leave-quickly", methods=["POST"])
@access("token")
@csrf.exempt
@limiter.limit(_token_limit)
def leave_quickly() -> Response:
    """The quick exit's last word to the server, sent with ``navigator.sendBeacon`` as the page
    is left (so it arrives although nobody waits for it). The token, made for this page's login
    session and good for nothing else, ends that session on the server and closes its sockets;
    the cookies this browser sends are deleted too. A token that names no session is not found."""
    token = request.form.get("token", "")
    if token == pending.QUICK_EXIT_TOKEN:
        session.clear()  # a log-in waiting for its second step lives only in the cookie
        return Response(status=204)
    login = sessions.login_of_quick_exit_token(token)
    if login is None:
        abort(404)
    user_id = sessions.end(login.id)
    db.session.commit()
    if user_id is not None:
        # Told before the sockets close: the page's own leave may come after its socket is gone.
        room.left_quickly(user_id)
        room.end_sessions(user_id)
    session.clear()
    logout_user()
    return Response(status=204)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access("token")
@limiter.limit(_token_limit)
def reset(token: str) -> str | Response:
    found = find_reset(token)
    if found is None or not found.usable:
        return render_template("auth/reset_invalid.html"), 404  # type: ignore[return-value]
    form = NewPasswordForm()
    if form.validate_on_submit():
        use_reset(found, form.password.data or "")
        db.session.commit()
        # Every session of this person ended: their live connections too (on every process).
        room.disconnect_user(found.user_id)
        flash(_("Your password is changed. You can log in now."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=found.user)
