from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from server.auth.forms import MIN_PASSWORD
from server.groups import names
from server.i18n import language_choices

PSEUDONYM_HINT = _l("Choose a name others will see. We advise you not to use your real name.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class JoinForm(FlaskForm):
    """A new account made from an invitation: as little as a person needs to log in again."""

    login = StringField(
        _l("Login name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Choose a login name.")),
            Length(min=3, max=64, message=_l("Use between 3 and 64 characters.")),
            Regexp(
                r"^[\w.@-]+$",
                message=_l("Use letters, digits, dots, dashes or underscores, without spaces."),
            ),
        ],
    )
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Choose a name others will see.")),
            Length(max=64, message=_l("Use at most 64 characters.")),
            names.visible,
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Choose a password.")),
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
    language = SelectField(_l("Language"), choices=language_choices())
    # Filled in by the browser with its IANA time zone; checked, never trusted.
    timezone = HiddenField()


class JoinExistingForm(FlaskForm):
    """Join the group with the account one is logged in with (only the CSRF token)."""
