"""A person's own data: see it, download it, delete the account."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from server import room
from server.access import access
from server.account import bp
from server.account.data import delete_account, is_last_admin, personal_data
from server.extensions import db


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(message=_l("Type your password."))]
    )
    confirm = BooleanField(
        _l("I understand that my account is deleted for good"),
        validators=[DataRequired(message=_l("Tick the box to say that you understand."))],
    )


@bp.route("/account/data")
@access("login")
def data() -> str:
    return render_template(
        "account/data.html", data=personal_data(current_user), form=DeleteAccountForm()
    )


@bp.route("/account/data.json")
@access("login")
def data_json() -> Response:
    body = json.dumps(personal_data(current_user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": "attachment; filename=my-data.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["POST"])
@access("login")
def delete() -> str | BaseResponse:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data or ""):
            form.password.errors = [_("The password is not right.")]
        elif is_last_admin(current_user):
            flash(_("You are the only administrator: make someone else one first."), "error")
            return redirect(url_for("account.data"))
        else:
            user_id = current_user.id
            delete_account(current_user._get_current_object())
            db.session.commit()
            room.disconnect_user(user_id)
            logout_user()
            session.clear()
            flash(_("Your account and what Kreds held about you are deleted."), "info")
            return redirect(url_for("auth.login"))
    return render_template("account/data.html", data=personal_data(current_user), form=form), 400  # type: ignore[return-value]
