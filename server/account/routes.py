from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.account import bp
from server.account.forms import CalendarForm, PasswordForm, ProfileForm
from server.auth import sessions
from server.extensions import db
from server.groups.names import name_taken_near
from server.helplines import help_lines
from server.i18n import current_language
from server.web import safe_next


@bp.route("/language", methods=["POST"])
@access("public")
def language() -> Response:
    """Switch the interface language; remembered on the account when logged in."""
    chosen = request.form.get("language", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
        if current_user.is_authenticated:
            current_user.language = chosen
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/safety")
@access("public")
def safety() -> str:
    return render_template("account/safety.html", help_lines=help_lines())


def _profile_form() -> ProfileForm:
    form = ProfileForm(prefix="profile", obj=current_user)
    if not form.is_submitted():
        form.language.data = current_user.language or current_language()
    return form


def _page(**forms: Any) -> str:
    """The account page; a form passed in (with its errors) replaces the fresh one."""
    context: dict[str, Any] = {
        "profile_form": _profile_form(),
        "password_form": PasswordForm(prefix="pw", formdata=None),
        "calendar_form": CalendarForm(formdata=None),
        "calendar_active": current_user.calendar_token_hash is not None,
        "calendar_url": None,
    }
    context.update(forms)
    return render_template("account/settings.html", **context)


@bp.route("/account", methods=["GET", "POST"])
@access("login")
def settings() -> str | Response:
    form = _profile_form()
    if form.validate_on_submit():
        name = form.display_name.data or ""
        if name != current_user.display_name and name_taken_near(current_user, name):
            # Nobody may pass as the facilitator, or as anyone else in their groups.
            form.display_name.errors.append(
                _(
                    "Someone in one of your groups already uses a name like this. "
                    "Please choose another."
                )
            )
            return _page(profile_form=form)
        current_user.display_name = name
        current_user.language = form.language.data
        current_user.timezone = form.timezone.data
        db.session.commit()
        session["lang"] = form.language.data
        flash(_("Your settings are saved."), "info")
        return redirect(url_for("account.settings"))
    return _page(profile_form=form)


@bp.route("/account/password", methods=["POST"])
@access("login")
def password() -> str | Response:
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data or "")
            # Every other session (another device, a forgotten browser) ends here.
            sessions.end_all(user, keep=user.current_login)
            db.session.commit()
            room.end_sessions(user.id)
            flash(_("Your password is changed. You are logged out everywhere else."), "info")
            return redirect(url_for("account.settings"))
    return _page(password_form=form)


@bp.route("/account/calendar", methods=["POST"])
@access("login")
def calendar_link() -> str | Response:
    form = CalendarForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.settings"))
    token = current_user.new_calendar_token()
    db.session.commit()
    # Shown this once: only a hash is kept.
    return _page(
        calendar_active=True,
        calendar_url=url_for("calendar.feed", token=token, _external=True),
    )


@bp.route("/account/calendar/stop", methods=["POST"])
@access("login")
def calendar_stop() -> Response:
    form = CalendarForm()
    if form.validate_on_submit():
        current_user.calendar_token_hash = None
        db.session.commit()
        flash(
            _("The calendar link is stopped. Calendars that used it get no more updates."), "info"
        )
    return redirect(url_for("account.settings"))
