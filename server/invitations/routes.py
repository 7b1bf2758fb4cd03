from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access
from server.account.timezones import timezone_or
from server.auth import logins
from server.extensions import limiter
from server.i18n import current_language
from server.invitations import bp
from server.invitations.forms import PSEUDONYM_HINT, JoinExistingForm, JoinForm
from server.invitations.service import (
    AlreadyMember,
    InvitationUnavailable,
    LoginTaken,
    NameTaken,
    NewPerson,
    Unavailable,
    accept_as_existing_person,
    accept_as_new_person,
    already_member,
    find_invitation,
    login_taken,
    unavailable_reason,
)
from server.models import Invitation

# Unknown links are "not found"; the others existed once and are gone, or cannot be used now.
STATUS = {"unknown": 404, "expired": 410, "used": 410, "revoked": 410, "full": 409, "admin": 403}


def _unavailable(reason: Unavailable) -> tuple[str, int]:
    return render_template("invitations/unavailable.html", reason=reason), STATUS[reason]


def _welcome(group_name: str) -> Response:
    flash(_("Welcome to %(group)s.", group=group_name), "info")
    return redirect(url_for("dashboard.home"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access("token")
@limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])
def accept(token: str) -> str | Response | tuple[str, int]:
    invitation = find_invitation(token)
    reason = unavailable_reason(invitation)
    if reason is not None:
        return _unavailable(reason)
    assert invitation is not None
    if current_user.is_authenticated:
        return _join_existing(invitation)
    return _join_new(invitation)


def _join_existing(invitation: Invitation) -> str | Response | tuple[str, int]:
    group_name = invitation.group.name
    if current_user.is_admin:
        return _unavailable("admin")
    if already_member(invitation, current_user):
        return render_template("invitations/already_member.html", group_name=group_name)
    form = JoinExistingForm()
    if form.validate_on_submit():
        try:
            accept_as_existing_person(invitation, current_user)
        except InvitationUnavailable as closed:
            return _unavailable(closed.reason)
        except AlreadyMember:
            return render_template("invitations/already_member.html", group_name=group_name)
        except NameTaken:
            flash(
                _(
                    "Someone in this group already uses a name like yours. Choose another name "
                    "in My account, then open this link again."
                ),
                "error",
            )
        else:
            return _welcome(group_name)
    return render_template("invitations/join_existing.html", form=form, group_name=group_name)


def _join_new(invitation: Invitation) -> str | Response | tuple[str, int]:
    group_name = invitation.group.name
    form = JoinForm()
    if not form.is_submitted():
        form.language.data = current_language()
    if form.validate_on_submit():
        login = form.login.data or ""
        if login_taken(login):
            form.login.errors.append(_("This login name is taken. Please choose another."))
        else:
            person = NewPerson(
                login=login,
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                language=form.language.data or current_language(),
                timezone=timezone_or(form.timezone.data, invitation.group.timezone),
            )
            try:
                user = accept_as_new_person(invitation, person)
            except InvitationUnavailable as closed:
                return _unavailable(closed.reason)
            except LoginTaken:
                form.login.errors.append(_("This login name is taken. Please choose another."))
            except NameTaken:
                form.display_name.errors.append(
                    _("Someone in this group already uses a name like this. Please choose another.")
                )
            else:
                done = logins.after_password(user, remember=False, target=url_for("dashboard.home"))
                flash(_("Welcome to %(group)s.", group=group_name), "info")
                return done
    return render_template(
        "invitations/join.html", form=form, group_name=group_name, pseudonym_hint=PSEUDONYM_HINT
    )
