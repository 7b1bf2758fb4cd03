from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    login = StringField(_l("Login name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD,
                max=256,
                message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


# The second step of a log-in: pasting works, spaces and dashes are ignored, and browsers and
# password managers may fill the code in (autocomplete="one-time-code" in the templates).
_CODE = {"autocapitalize": "none", "spellcheck": "false"}
_TYPE_THE_CODE = _l("Type the code.")


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your app"),
        validators=[DataRequired(message=_TYPE_THE_CODE), Length(max=64)],
        render_kw={**_CODE, "inputmode": "numeric"},
    )


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        validators=[DataRequired(message=_TYPE_THE_CODE), Length(max=64)],
        render_kw=_CODE,
    )


class NewRecoveryCodesForm(FlaskForm):
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[DataRequired(message=_TYPE_THE_CODE), Length(max=64)],
        render_kw=_CODE,
    )


class TurnOffForm(NewRecoveryCodesForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Type your password.")), Length(max=256)],
    )
