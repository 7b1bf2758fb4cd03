"""The admin area's forms. Choices that depend on the database are filled in by the routes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from server.groups import names
from server.groups.members import MAX_INVITATION_DAYS
from server.groups.scheduling import MAX_SERIES, Frequency
from server.groups.service import MAX_CAPACITY
from server.i18n import language_choices
from server.models import GroupKind, MembershipRole, Role

# Time zones offered first; any other IANA zone a group already has stays selectable.
COMMON_TIMEZONES = (
    "Europe/Copenhagen",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Oslo",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Vienna",
    "Europe/Warsaw",
    "Atlantic/Faroe",
    "Atlantic/Reykjavik",
    "America/Nuuk",
    "UTC",
)
ROLE_CHOICES = [
    SelectChoice(Role.PARTICIPANT.value, _l("Participant")),
    SelectChoice(Role.FACILITATOR.value, _l("Facilitator")),
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
]
MEMBERSHIP_ROLE_CHOICES = [
    SelectChoice(MembershipRole.PARTICIPANT.value, _l("Participant")),
    SelectChoice(MembershipRole.CO_FACILITATOR.value, _l("Co-facilitator")),
    SelectChoice(MembershipRole.FACILITATOR.value, _l("Facilitator")),
]
# Login names: letters (any alphabet), digits, dots, dashes and underscores.
LOGIN_PATTERN = r"^[\w.-]+$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _normalise_login(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def timezone_choices(current: str | None = None) -> list[SelectChoice]:
    zones = list(COMMON_TIMEZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in zones]


# A new person's login name: made before PersonForm's fields, so that it comes first in
# NewPersonForm's order, as on the page and in its error summary (WTForms orders fields by when
# they were made).
_LOGIN = StringField(
    _l("Login name"),
    validators=[
        DataRequired(message=_l("Give a login name.")),
        Length(min=2, max=64, message=_l("Use 2 to 64 characters.")),
        Regexp(
            LOGIN_PATTERN,
            message=_l("Use only letters, digits, dots, dashes and underscores."),
        ),
    ],
    filters=[_normalise_login],
)


class PersonForm(FlaskForm):
    """What an administrator can change about someone."""

    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(message=_l("Give a display name.")),
            Length(max=64, message=_l("Use at most %(n)d characters.", n=64)),
            names.visible,
        ],
        filters=[_strip],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.PARTICIPANT.value)
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Use at most %(n)d characters.", n=254)),
            Regexp(EMAIL_PATTERN, message=_l("This does not look like an e-mail address.")),
        ],
        filters=[_strip],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("The browser's language")), *language_choices()],
    )


class NewPersonForm(PersonForm):
    login = _LOGIN


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the group a name.")),
            Length(max=120, message=_l("Use at most %(n)d characters.", n=120)),
        ],
        filters=[_strip],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(GroupKind.GROUP.value, _l("Group")),
            SelectChoice(GroupKind.ONE_TO_ONE.value, _l("One-to-one conversations")),
        ],
        default=GroupKind.GROUP.value,
    )
    capacity = IntegerField(
        _l("Participants at most"),
        default=6,
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=_l("Choose between 1 and %(n)d participants.", n=MAX_CAPACITY),
            ),
        ],
    )
    timezone = SelectField(_l("Time zone"), choices=timezone_choices())
    language = SelectField(_l("Language of the group"), choices=language_choices(), default="da")
    agreement_text = TextAreaField(
        _l("Group agreement"),
        validators=[
            DataRequired(message=_l("Write the group agreement.")),
            Length(max=5000, message=_l("Use at most %(n)d characters.", n=5000)),
        ],
        filters=[_strip],
    )
    auto_admit = BooleanField(_l("Let participants in without waiting in the lobby"))


class SeriesForm(FlaskForm):
    first_date = DateField(
        _l("Date of the first meeting"),
        validators=[InputRequired(message=_l("Give a date."))],
    )
    local_time = TimeField(
        _l("Time (in the group's time zone)"),
        validators=[InputRequired(message=_l("Give a time."))],
    )
    frequency = SelectField(
        _l("How often"),
        choices=[
            SelectChoice(Frequency.WEEKLY.value, _l("Every week")),
            SelectChoice(Frequency.BIWEEKLY.value, _l("Every two weeks")),
            SelectChoice(Frequency.MONTHLY.value, _l("Every month")),
        ],
        default=Frequency.WEEKLY.value,
    )
    count = IntegerField(
        _l("How many meetings"),
        default=6,
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(
                min=1,
                max=MAX_SERIES,
                message=_l("Choose between 1 and %(n)d meetings.", n=MAX_SERIES),
            ),
        ],
    )
    duration_minutes = IntegerField(
        _l("Length in minutes"),
        default=120,
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(min=15, max=480, message=_l("Choose between 15 and 480 minutes.")),
        ],
    )
    lobby_opens_minutes = IntegerField(
        _l("The lobby opens this many minutes before"),
        default=15,
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(min=0, max=60, message=_l("Choose between 0 and 60 minutes.")),
        ],
    )
    theme = StringField(
        _l("Theme (optional)"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Use at most %(n)d characters.", n=200)),
        ],
        filters=[_strip],
    )


class MoveForm(FlaskForm):
    day = DateField(_l("New date"), validators=[InputRequired(message=_l("Give a date."))])
    at = TimeField(
        _l("New time (in the group's time zone)"),
        validators=[InputRequired(message=_l("Give a time."))],
    )


def _chosen_id(value: Any) -> int | None:
    """A person chosen in a select, as an id; None while the select still asks for a choice."""
    return None if value in (None, "") else int(value)


class AddMemberForm(FlaskForm):
    # Nobody is chosen until the administrator chooses: the list starts with "Choose a person"
    # (server/admin/routes_members.py), so no one is added because they came first.
    user_id = SelectField(_l("Person"), coerce=_chosen_id, choices=[], validators=[InputRequired()])
    role = SelectField(
        _l("Role in the group"),
        choices=MEMBERSHIP_ROLE_CHOICES,
        default=MembershipRole.PARTICIPANT.value,
    )


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role in the group"), choices=MEMBERSHIP_ROLE_CHOICES)


class InvitationForm(FlaskForm):
    role = SelectField(
        _l("Joins as"), choices=MEMBERSHIP_ROLE_CHOICES, default=MembershipRole.PARTICIPANT.value
    )
    days = IntegerField(
        _l("Valid for (days)"),
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(
                min=1,
                max=MAX_INVITATION_DAYS,
                message=_l("Choose between 1 and %(n)d days.", n=MAX_INVITATION_DAYS),
            ),
        ],
    )
