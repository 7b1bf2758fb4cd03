from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from server.account.timezones import is_timezone, timezone_names
from server.auth.forms import MIN_PASSWORD
from server.groups import names
from server.i18n import language_choices


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Choose a name others will see.")),
            Length(max=64, message=_l("Use at most 64 characters.")),
            names.visible,
        ],
    )
    language = SelectField(_l("Language"), choices=language_choices())
    timezone = SelectField(_l("Time zone"), validate_choice=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        names = list(timezone_names())
        if (
            self.timezone.data
            and self.timezone.data not in names
            and is_timezone(self.timezone.data)
        ):
            names.insert(0, self.timezone.data)  # an alias someone already has stays selectable
        self.timezone.choices = [SelectChoice(name, name.replace("_", " ")) for name in names]

    def validate_timezone(self, field: SelectField) -> None:
        if not is_timezone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
    )
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
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the new password.")),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )


class CalendarForm(FlaskForm):
    """Create or stop the calendar link (only the CSRF token)."""
