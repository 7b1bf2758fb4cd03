from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

MIN_PASSWORD = 10


_TYPE_YOUR_PASSWORD = _l("Type your password.")


class LoginForm(FlaskForm):
    login = StringField(
        _l("Login name"),
        validators=[DataRequired(message=_l("Type your login name.")), Length(max=64)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_TYPE_YOUR_PASSWORD), Length(max=256)]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Choose a new password.")),
            Length(
                min=MIN_PASSWORD,
                max=256,
                message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
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


# Made before the code's field, so that it comes first in TurnOffForm's order, as on the page
# and in its error summary (WTForms orders fields by when they were made).
_YOUR_PASSWORD = PasswordField(
    _l("Your password"),
    validators=[DataRequired(message=_TYPE_YOUR_PASSWORD), Length(max=256)],
)


class NewRecoveryCodesForm(FlaskForm):
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[DataRequired(message=_TYPE_THE_CODE), Length(max=64)],
        render_kw=_CODE,
    )


class TurnOffForm(NewRecoveryCodesForm):
    password = _YOUR_PASSWORD
