from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class AcceptAgreementForm(FlaskForm):
    accept = BooleanField(
        _l("I accept the agreement for this meeting"),
        validators=[DataRequired(message=_l("Tick the box to accept the agreement."))],
    )
    # The version the person read: if it changed meanwhile, they read the new one first.
    version = HiddenField()
