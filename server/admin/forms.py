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
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from server.groups import names
from server.groups.members import MAX_INVITATION_DAYS, MAX_INVITATIONS_AT_ONCE, MAX_LABEL
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


class MultipleCheckboxField(SelectMultipleField):
    """A choice of several, drawn as a fieldset of checkboxes (server/templates/macros/forms.html
    knows it by this name)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AddMemberForm(FlaskForm):
    # Nobody is chosen until the administrator chooses: no box starts ticked
    # (server/admin/routes_members.py), so no one is added because they came first. Whoever is
    # sent is not checked against the boxes drawn: add_member's rules decide, person by person
    # (someone added meanwhile in another tab is reported, not a reason to add nobody).
    user_id = MultipleCheckboxField(
        _l("People to add"),
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose at least one person."))],
    )
    role = SelectField(
        _l("Role in the group"),
        choices=MEMBERSHIP_ROLE_CHOICES,
        default=MembershipRole.PARTICIPANT.value,
    )


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role in the group"), choices=MEMBERSHIP_ROLE_CHOICES)


def invitation_labels(text: str | None) -> list[str]:
    """The non-empty lines of the "For whom" field, without space around them."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class InvitationForm(FlaskForm):
    """One or several invitations at once: one for each line of "For whom", or "How many" without
    labels. Role and validity apply to all."""

    labels = TextAreaField(
        _l("For whom (optional), one line per invitation"),
        # Far more than 20 lines of 80 characters: the lines are counted and measured below.
        validators=[Length(max=4000, message=_l("Use at most %(n)d characters.", n=4000))],
        # Names of people: no browser service checks their spelling.
        render_kw={"rows": 6, "spellcheck": "false", "autocomplete": "off"},
    )
    count = IntegerField(
        _l("How many"),
        default=1,
        render_kw={"min": 1, "max": MAX_INVITATIONS_AT_ONCE, "inputmode": "numeric"},
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_INVITATIONS_AT_ONCE,
                message=_l("Choose between 1 and %(n)d invitations.", n=MAX_INVITATIONS_AT_ONCE),
            ),
        ],
    )
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

    def validate_labels(self, field: TextAreaField) -> None:
        labels = invitation_labels(field.data)
        if len(labels) > MAX_INVITATIONS_AT_ONCE:
            raise ValidationError(
                _l(
                    "Write at most %(n)d lines: one line makes one invitation.",
                    n=MAX_INVITATIONS_AT_ONCE,
                )
            )
        for line, label in enumerate(labels, start=1):
            if len(label) > MAX_LABEL:
                # One message per line, each saying which line and by how much.
                field.errors.append(
                    _l(
                        "Line %(line)d has %(count)d characters: use at most %(n)d.",
                        line=line,
                        count=len(label),
                        n=MAX_LABEL,
                    )
                )

    def wanted(self) -> list[str | None]:
        """The labels of the invitations to make (None: an invitation without one)."""
        labels = invitation_labels(self.labels.data)
        if labels:
            return list(labels)
        return [None] * (self.count.data or 1)


# What to dial or text: digits, spaces and dashes, with a + first for a country code.
PHONE_PATTERN = r"^\+?[0-9][0-9 -]*$"


class HelpLineForm(FlaskForm):
    """A help line as everyone sees it, written in the organisation's language."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the help line a name.")),
            Length(max=120, message=_l("Use at most %(n)d characters.", n=120)),
        ],
        filters=[_strip],
    )
    number = TelField(
        _l("Number"),
        validators=[
            DataRequired(message=_l("Give the number to call or text.")),
            Length(max=40, message=_l("Use at most %(n)d characters.", n=40)),
            Regexp(
                PHONE_PATTERN,
                message=_l("Use digits and spaces, with a + first for a country code."),
            ),
        ],
        filters=[_strip],
    )
    hours = StringField(
        _l("Opening hours"),
        validators=[
            DataRequired(message=_l("Say when the line is open.")),
            Length(max=120, message=_l("Use at most %(n)d characters.", n=120)),
        ],
        filters=[_strip],
    )
    languages = StringField(
        _l("Languages"),
        validators=[
            DataRequired(message=_l("Say which languages the line speaks.")),
            Length(max=120, message=_l("Use at most %(n)d characters.", n=120)),
        ],
        filters=[_strip],
    )
    note = StringField(
        _l("Note (optional)"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Use at most %(n)d characters.", n=200)),
        ],
        filters=[_strip],
    )
