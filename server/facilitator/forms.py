from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

AGREEMENT_MAX = 5000


def normalise_text(value: str | None) -> str | None:
    """Browsers send CRLF line ends: without this, saving unchanged text would look like an
    edit and ask everyone to accept the agreement again."""
    if not isinstance(value, str):
        return value
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


class AgreementForm(FlaskForm):
    agreement_text = TextAreaField(
        _l("The group's agreement"),
        filters=[normalise_text],
        validators=[
            DataRequired(
                message=_l("Write the agreement: participants accept it before each meeting.")
            ),
            Length(max=AGREEMENT_MAX, message=_l("Use at most %(n)d characters.", n=AGREEMENT_MAX)),
        ],
        render_kw={"rows": 10},
    )
    auto_admit = BooleanField(_l("Let participants in without waiting in the lobby"))
